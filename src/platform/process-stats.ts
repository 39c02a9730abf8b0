import { readdirSync, readFileSync } from "node:fs";

/** What Prometheus' `process_*` families say about this process (client_golang's names). */
export interface ProcessStats {
  /** User plus system CPU time since start. */
  cpuSeconds: number;
  residentMemoryBytes: number;
  virtualMemoryBytes?: number;
  /** Unix time of the process start, in seconds. */
  startTimeSeconds: number;
  /** Open file descriptors; absent where /proc/self/fd cannot be read. */
  openFds?: number;
  /** The soft limit on open file descriptors (RLIMIT_NOFILE), when known. */
  maxFds?: number;
}

/** Clock ticks per second of /proc's times: 100 on every Linux architecture Satellite is built for. */
const CLOCK_TICKS_PER_SECOND = 100;
const PAGE_BYTES = 4096;

/**
 * Reads this process's numbers from /proc (Linux), as client_golang's process collector does;
 * elsewhere, what the runtime says (CPU, memory, start time; no file descriptors). Never throws:
 * a missing or odd /proc file leaves its number to the runtime's value or absent.
 */
export function readProcessStats(procRoot = "/proc", nowMs: () => number = Date.now): ProcessStats {
  const usage = process.cpuUsage();
  const fallback: ProcessStats = {
    cpuSeconds: (usage.user + usage.system) / 1e6,
    residentMemoryBytes: process.memoryUsage().rss,
    startTimeSeconds: Math.round((nowMs() - process.uptime() * 1000) / 10) / 100,
  };
  const stat = readText(`${procRoot}/self/stat`);
  const bootTimeSeconds = Number(readText(`${procRoot}/stat`)?.match(/^btime (\d+)$/m)?.[1]);
  const fields = stat ? stat.slice(stat.lastIndexOf(")") + 2).split(" ") : [];
  // After "pid (comm) ": field 3 (state) is index 0, so field N is index N - 3.
  const field = (n: number): number => Number(fields[n - 3]);
  const stats: ProcessStats = { ...fallback };
  if (fields.length > 22 && Number.isFinite(field(14)) && Number.isFinite(field(15))) {
    stats.cpuSeconds = (field(14) + field(15)) / CLOCK_TICKS_PER_SECOND;
    stats.virtualMemoryBytes = field(23);
    stats.residentMemoryBytes = field(24) * PAGE_BYTES;
    if (Number.isFinite(bootTimeSeconds) && Number.isFinite(field(22))) stats.startTimeSeconds = bootTimeSeconds + field(22) / CLOCK_TICKS_PER_SECOND;
  }
  try {
    stats.openFds = readdirSync(`${procRoot}/self/fd`).length;
  } catch {
    // Not Linux, or /proc hidden: the family is left out.
  }
  const limit = readText(`${procRoot}/self/limits`)?.match(/^Max open files\s+(\d+)/m)?.[1];
  if (limit !== undefined) stats.maxFds = Number(limit);
  return stats;
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
}
