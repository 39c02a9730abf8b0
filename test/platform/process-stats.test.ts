import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { registerProcessMetrics } from "../../src/metrics/process-metrics.ts";
import { createRegistry } from "../../src/metrics/registry.ts";
import { readProcessStats, type ProcessStats } from "../../src/platform/process-stats.ts";

const work = mkdtempSync(join(tmpdir(), "satellite-proc-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("process stats", () => {
  test("from /proc as client_golang reads it: CPU ticks, RSS pages, start time from btime, fds, limit", () => {
    const proc = join(work, "proc");
    mkdirSync(join(proc, "self/fd"), { recursive: true });
    for (const fd of ["0", "1", "2", "7"]) writeFileSync(join(proc, "self/fd", fd), "");
    // pid (comm with ") (" inside) state ppid ... utime=250 stime=50 ... starttime=12345 vsize rss
    const fields = ["S", "1", ...Array.from({ length: 9 }, () => "0"), "250", "50", ...Array.from({ length: 6 }, () => "0"), "12345", "104857600", "2560"];
    writeFileSync(join(proc, "self/stat"), `4242 (sat (x) y) ${fields.join(" ")} 0 0 0\n`);
    writeFileSync(join(proc, "stat"), "cpu  1 2 3\nbtime 1760000000\nprocesses 5\n");
    writeFileSync(join(proc, "self/limits"), "Limit                     Soft Limit           Hard Limit           Units\nMax open files            65536                65536                files\n");
    expect(readProcessStats(proc)).toEqual({ cpuSeconds: 3, residentMemoryBytes: 2560 * 4096, virtualMemoryBytes: 104857600, startTimeSeconds: 1760000000 + 123.45, openFds: 4, maxFds: 65536 });
  });

  test("this process, for real: plausible numbers", () => {
    const stats = readProcessStats();
    expect(stats.cpuSeconds).toBeGreaterThan(0);
    expect(stats.residentMemoryBytes).toBeGreaterThan(1024 * 1024);
    expect(Math.abs(stats.startTimeSeconds - (Date.now() / 1000 - process.uptime()))).toBeLessThan(5);
    expect(stats.openFds).toBeGreaterThanOrEqual(3);
  });

  test("without /proc the runtime's numbers stand and the descriptor families are left out", () => {
    const stats = readProcessStats(join(work, "none"), () => 1_760_000_000_000);
    expect(stats.cpuSeconds).toBeGreaterThan(0);
    expect(stats.openFds).toBeUndefined();
    expect(stats.maxFds).toBeUndefined();
  });

  test("process_* families: the CPU counter follows the absolute reading, gauges are set", () => {
    const r = createRegistry();
    let stats: ProcessStats = { cpuSeconds: 1.5, residentMemoryBytes: 1000, startTimeSeconds: 1760000000, openFds: 9 };
    const collect = registerProcessMetrics(r, () => stats);
    collect();
    stats = { ...stats, cpuSeconds: 2.25, residentMemoryBytes: 2000 };
    collect();
    const text = r.render();
    expect(text).toContain("# TYPE process_cpu_seconds_total counter\nprocess_cpu_seconds_total 2.25");
    expect(text).toContain("process_resident_memory_bytes 2000");
    expect(text).toContain("process_start_time_seconds 1760000000");
    expect(text).toContain("process_open_fds 9");
  });
});
