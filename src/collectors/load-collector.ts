import { round2 } from "./collected-values.ts";
import { type CollectorKind, CollectorReadError, requiredText } from "./collector.ts";
import { parseCpuTimes } from "./cpu-collector.ts";

/** Load averages from /proc/loadavg, and the 1-minute one per CPU (kunai's loadaverage). */
export const loadCollectorKind: CollectorKind = {
  name: "load",
  description: "load averages: load1 load5 load15, perCpu1 (load1 / CPUs), cpuCount, from /proc/loadavg and /proc/stat",
  intervalMs: 10_000,
  shape: { load1: "number", load5: "number", load15: "number", perCpu1: "number", cpuCount: "number" },
  create: () => ({
    async collect(host) {
      const fields = (await requiredText(host, "/proc/loadavg", 4096)).trim().split(/\s+/).slice(0, 3).map(Number);
      if (fields.length < 3 || fields.some((n) => !Number.isFinite(n) || n < 0)) throw new CollectorReadError("/proc/loadavg does not start with three load averages");
      const [load1 = 0, load5 = 0, load15 = 0] = fields;
      const cpuCount = Math.max(1, parseCpuTimes(await requiredText(host, "/proc/stat", 1024 * 1024)).size - 1);
      return { load1, load5, load15, perCpu1: round2(load1 / cpuCount), cpuCount };
    },
  }),
};
