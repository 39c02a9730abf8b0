import { CollectorManager } from "../collectors/collector-manager.ts";
import type { Clock } from "../platform/clock.ts";
import { systemDisk } from "../platform/disk.ts";
import type { HostFacts } from "../platform/host-facts.ts";
import type { Logger } from "../platform/logger.ts";

/**
 * The agent's host value collectors (docs/collectors.md), shared by the evaluated checks and
 * `GET /collectors`. Nothing runs until one of them uses a collector; `stop` cancels every timer.
 */
export function createAgentCollectors(options: { facts: HostFacts; clock: Clock; logger: Logger }): CollectorManager {
  return new CollectorManager({ host: { facts: options.facts, disk: systemDisk }, clock: options.clock, logger: options.logger });
}
