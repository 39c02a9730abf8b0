import { round2, type ValueTree } from "./collected-values.ts";
import { type Collector, type CollectorKind, CollectorReadError, requiredText } from "./collector.ts";
import { numericFields } from "./counter-rate.ts";

/** CPUs reported at most (the `cpu_all` line always is). */
export const CPUS_MAX = 1024;
const STAT_BYTES_MAX = 1024 * 1024;

/** The columns of a cpu line of /proc/stat, in order; guest time is already inside user and nice. */
export const CPU_COLUMNS = ["%user", "%nice", "%system", "%idle", "%iowait", "%irq", "%softirq", "%steal"] as const;

/** Jiffies per column, per CPU line: `cpu_all` for the `cpu` line, `cpu0`, `cpu1`... */
export function parseCpuTimes(text: string): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const line of text.split("\n")) {
    const m = /^cpu(\d*)\s/.exec(line);
    if (!m) continue;
    const name = m[1] === "" ? "cpu_all" : `cpu${m[1]}`;
    if (name !== "cpu_all" && out.size > CPUS_MAX) continue;
    out.set(name, numericFields(line, 1).slice(0, CPU_COLUMNS.length));
  }
  return out;
}

/** Share of each column in the time between two samples of one CPU, in percent. */
export function cpuPercents(now: readonly number[], before: readonly number[]): Record<string, number> {
  const deltas = CPU_COLUMNS.map((_, i) => Math.max(0, (now[i] ?? 0) - (before[i] ?? 0)));
  const total = deltas.reduce((a, b) => a + b, 0);
  return Object.fromEntries(CPU_COLUMNS.map((column, i) => [column, total > 0 ? round2(((deltas[i] as number) / total) * 100) : 0]));
}

/** Per-CPU and whole-machine time shares from /proc/stat deltas (kunai's cpustats). */
export const cpuCollectorKind: CollectorKind = {
  name: "cpu",
  description: "time shares per CPU and for all (cpu_all): %user %nice %system %idle %iowait %irq %softirq %steal, from /proc/stat deltas",
  intervalMs: 10_000,
  shape: { count: "number", "*": Object.fromEntries(CPU_COLUMNS.map((c) => [c, "number"])) },
  create(): Collector {
    let previous: Map<string, number[]> | undefined;
    return {
      async collect(host) {
        const times = parseCpuTimes(await requiredText(host, "/proc/stat", STAT_BYTES_MAX));
        if (!times.has("cpu_all")) throw new CollectorReadError("/proc/stat has no cpu line");
        const values: ValueTree = { count: Math.max(1, times.size - 1) };
        if (previous) {
          for (const [name, now] of times) {
            const before = previous.get(name);
            // A CPU that came online since the last sample gets shares from the next one.
            if (before) values[name] = cpuPercents(now, before);
          }
        }
        previous = times;
        return values;
      },
    };
  },
};
