import type { CollectorKind } from "./collector.ts";
import { containersCollectorKind } from "./containers-collector.ts";
import { cpuCollectorKind } from "./cpu-collector.ts";
import { diskIoCollectorKind } from "./disk-io-collector.ts";
import { diskUsageCollectorKind } from "./disk-usage-collector.ts";
import { interfacesCollectorKind } from "./interfaces-collector.ts";
import { loadCollectorKind } from "./load-collector.ts";
import { memoryCollectorKind } from "./memory-collector.ts";
import { openPortsCollectorKind } from "./open-ports-collector.ts";
import { timezoneCollectorKind } from "./timezone-collector.ts";

/** Every collector, listed explicitly (docs/collectors.md); a name not here is a config error. */
export const COLLECTOR_KINDS: readonly CollectorKind[] = [
  cpuCollectorKind,
  memoryCollectorKind,
  loadCollectorKind,
  diskUsageCollectorKind,
  diskIoCollectorKind,
  interfacesCollectorKind,
  openPortsCollectorKind,
  timezoneCollectorKind,
  containersCollectorKind,
];

export function findCollectorKind(name: string): CollectorKind | undefined {
  return COLLECTOR_KINDS.find((k) => k.name === name);
}

export const COLLECTOR_NAMES: readonly string[] = COLLECTOR_KINDS.map((k) => k.name);
