import type { Clock } from "../platform/clock.ts";
import type { HostProbe } from "../platform/host-probe.ts";
import type { Logger } from "../platform/logger.ts";
import type { Random } from "../platform/random.ts";

/** Every side effect the agent needs, built once in main and passed down. */
export interface AgentPlatform {
  clock: Clock;
  random: Random;
  logger: Logger;
  hostProbe: HostProbe;
  /** Creates a directory and its parents; throws when it cannot. */
  makeDir(path: string): void;
  /** GETs JSON with a deadline; rejects on refusal, timeout, non-2xx or bad JSON. */
  fetchJson(url: string, timeoutMs: number): Promise<unknown>;
}
