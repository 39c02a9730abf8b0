import { round2, type ValueTree } from "./collected-values.ts";
import { type CollectorKind, requiredText } from "./collector.ts";
import { numericFields, ratePerSecond } from "./counter-rate.ts";

/** Block devices reported at most. */
export const DISKS_MAX = 128;
/** /proc/diskstats counts sectors of 512 bytes, whatever the device's own sector size. */
const SECTOR_BYTES = 512;
/** Devices that are not disks: loop files, RAM disks, compressed swap in RAM. */
const SKIPPED_DEVICES = /^(loop|ram|zram)\d+$/;

interface DiskCounters {
  reads: number;
  sectorsRead: number;
  writes: number;
  sectorsWritten: number;
  /** Milliseconds the device had I/O in flight. */
  busyMs: number;
}

/** Counters per device of /proc/diskstats (kernel Documentation/admin-guide/iostats.rst). */
export function parseDiskstats(text: string): Map<string, DiskCounters> {
  const out = new Map<string, DiskCounters>();
  for (const line of text.split("\n")) {
    const columns = line.trim().split(/\s+/);
    const name = columns[2];
    if (!name || columns.length < 14 || SKIPPED_DEVICES.test(name) || out.size >= DISKS_MAX) continue;
    const f = numericFields(line, 3);
    out.set(name, { reads: f[0] ?? 0, sectorsRead: f[2] ?? 0, writes: f[4] ?? 0, sectorsWritten: f[6] ?? 0, busyMs: f[9] ?? 0 });
  }
  return out;
}

/** Reads, writes, bytes and busy time per block device from /proc/diskstats deltas (kunai's iostats). */
export const diskIoCollectorKind: CollectorKind = {
  name: "diskio",
  description: "per block device: readsPerSecond writesPerSecond readBytesPerSecond writeBytesPerSecond utilPercent, from /proc/diskstats deltas",
  intervalMs: 10_000,
  shape: { "*": { readsPerSecond: "number", writesPerSecond: "number", readBytesPerSecond: "number", writeBytesPerSecond: "number", utilPercent: "number" } },
  create() {
    let previous: { atMs: number; disks: Map<string, DiskCounters> } | undefined;
    return {
      async collect(host, at) {
        const disks = parseDiskstats(await requiredText(host, "/proc/diskstats", 1024 * 1024));
        const values: ValueTree = {};
        if (previous) {
          const elapsedMs = at.monotonicMs - previous.atMs;
          for (const [name, now] of disks) {
            const before = previous.disks.get(name);
            if (!before || elapsedMs <= 0) continue;
            values[name] = {
              readsPerSecond: ratePerSecond(now.reads, before.reads, elapsedMs),
              writesPerSecond: ratePerSecond(now.writes, before.writes, elapsedMs),
              readBytesPerSecond: ratePerSecond(now.sectorsRead * SECTOR_BYTES, before.sectorsRead * SECTOR_BYTES, elapsedMs),
              writeBytesPerSecond: ratePerSecond(now.sectorsWritten * SECTOR_BYTES, before.sectorsWritten * SECTOR_BYTES, elapsedMs),
              utilPercent: round2(Math.min(100, (Math.max(0, now.busyMs - before.busyMs) / elapsedMs) * 100)),
            };
          }
        }
        previous = { atMs: at.monotonicMs, disks };
        return values;
      },
    };
  },
};
