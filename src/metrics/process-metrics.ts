import type { ProcessStats } from "../platform/process-stats.ts";
import type { Registry } from "./registry.ts";

/**
 * The standard `process_*` families (as client_golang exports them), read from `read` at every
 * scrape: CPU seconds (a counter), resident and virtual memory, start time, open and maximum
 * file descriptors. Returns the collector to run before each render.
 */
export function registerProcessMetrics(r: Registry, read: () => ProcessStats | undefined): () => void {
  const cpu = r.counter({ name: "process_cpu_seconds_total", help: "Total user and system CPU time spent in seconds." });
  const resident = r.gauge({ name: "process_resident_memory_bytes", help: "Resident memory size in bytes." });
  const virtual = r.gauge({ name: "process_virtual_memory_bytes", help: "Virtual memory size in bytes." });
  const start = r.gauge({ name: "process_start_time_seconds", help: "Start time of the process since unix epoch in seconds." });
  const openFds = r.gauge({ name: "process_open_fds", help: "Number of open file descriptors." });
  const maxFds = r.gauge({ name: "process_max_fds", help: "Maximum number of open file descriptors." });
  let cpuSeen = 0;
  return () => {
    let stats: ProcessStats | undefined;
    try {
      stats = read();
    } catch {
      stats = undefined;
    }
    if (!stats) return;
    // The counter holds the absolute reading: add what is new since the last scrape.
    if (stats.cpuSeconds > cpuSeen) {
      cpu.inc(undefined, stats.cpuSeconds - cpuSeen);
      cpuSeen = stats.cpuSeconds;
    }
    resident.set(undefined, stats.residentMemoryBytes);
    if (stats.virtualMemoryBytes !== undefined) virtual.set(undefined, stats.virtualMemoryBytes);
    start.set(undefined, stats.startTimeSeconds);
    if (stats.openFds !== undefined) openFds.set(undefined, stats.openFds);
    if (stats.maxFds !== undefined) maxFds.set(undefined, stats.maxFds);
  };
}
