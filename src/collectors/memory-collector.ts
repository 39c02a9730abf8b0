import { round2 } from "./collected-values.ts";
import { type CollectorKind, requiredText } from "./collector.ts";

const MEMINFO_BYTES_MAX = 64 * 1024;

/** `Name: 123 kB` lines of /proc/meminfo, in bytes. */
export function parseMeminfo(text: string): Map<string, number> {
  const map = new Map<string, number>();
  for (const line of text.split("\n")) {
    const m = /^(\w+(?:\(\w+\))?):\s+(\d+)(\s+kB)?/.exec(line);
    if (m) map.set(m[1] as string, Number(m[2]) * (m[3] ? 1024 : 1));
  }
  return map;
}

const percentOf = (part: number, whole: number): number => (whole > 0 ? round2((part / whole) * 100) : 0);

/** Physical memory and swap from /proc/meminfo (kunai's memory). */
export const memoryCollectorKind: CollectorKind = {
  name: "memory",
  description: "physical memory and swap: totalBytes availableBytes usedPercent swapTotalBytes swapUsedPercent, from /proc/meminfo",
  intervalMs: 10_000,
  shape: { totalBytes: "number", availableBytes: "number", usedPercent: "number", swapTotalBytes: "number", swapUsedPercent: "number" },
  create: () => ({
    async collect(host) {
      const mem = parseMeminfo(await requiredText(host, "/proc/meminfo", MEMINFO_BYTES_MAX));
      const total = mem.get("MemTotal") ?? 0;
      // Kernels before 3.14 have no MemAvailable; free plus page cache is the usual estimate there.
      const available = mem.get("MemAvailable") ?? (mem.get("MemFree") ?? 0) + (mem.get("Cached") ?? 0);
      const swapTotal = mem.get("SwapTotal") ?? 0;
      return {
        totalBytes: total,
        availableBytes: available,
        usedPercent: percentOf(total - available, total),
        swapTotalBytes: swapTotal,
        swapUsedPercent: percentOf(swapTotal - (mem.get("SwapFree") ?? 0), swapTotal),
      };
    },
  }),
};
