import { describe, expect, test } from "bun:test";
import { hostMetricsKind } from "../../src/checkers/host-metrics.ts";
import { parseMeminfo, parseNetDev, parseProcStat } from "../../src/checkers/_collectors.ts";
import { systemDisk } from "../../src/platform/disk.ts";
import { createRecordedHostFiles, systemHostFiles } from "../../src/platform/host-files.ts";
import { ManualClock } from "../../src/platform/manual-clock.ts";
import { silentLogger } from "../../src/platform/logger.ts";
import { optionErrors, runOnce, testEnv, withTempDir } from "./_helpers.ts";

const kind = hostMetricsKind({ files: systemHostFiles, disk: systemDisk });

// Recorded from a 2-CPU Debian 12 VM, trimmed.
const STAT_1 = "cpu  1000 0 500 8000 500 0 0 0 0 0\ncpu0 500 0 250 4000 250 0 0 0 0 0\ncpu1 500 0 250 4000 250 0 0 0 0 0\nintr 1\n";
const STAT_2 = "cpu  1600 0 800 8100 500 0 0 0 0 0\ncpu0 800 0 400 4050 250 0 0 0 0 0\ncpu1 800 0 400 4050 250 0 0 0 0 0\nintr 2\n";
const MEMINFO = "MemTotal:        4000000 kB\nMemFree:          200000 kB\nMemAvailable:     400000 kB\nSwapTotal:             0 kB\nSwapFree:              0 kB\n";
const NETDEV_1 = "Inter-|   Receive                                                |  Transmit\n face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n    lo: 5000 50 0 0 0 0 0 0 5000 50 0 0 0 0 0 0\n  eth0: 10000 100 1 0 0 0 0 0 20000 200 0 0 0 0 0 0\n";
const NETDEV_2 = NETDEV_1.replace("eth0: 10000 100 1", "eth0: 30000 300 3").replace("20000 200 0", "60000 600 0");

describe("host-metrics", () => {
  test("real /proc: every collector gives values; no rule -> running", async () => {
    await withTempDir(async (dir) => {
      const [o] = await runOnce(kind, {}, testEnv(dir));
      expect(o?.status).toBe("running");
      for (const name of ["cpu.usedPercent", "cpu.count", "memory.usedPercent", "load.load1", "disk.usedPercent", "network.rxBytesPerSecond"]) {
        expect(typeof o?.metrics?.[name]).toBe("number");
      }
    });
  });

  test("real /proc: a rule that is surely true fires at its severity with the values it read", async () => {
    await withTempDir(async (dir) => {
      const [o] = await runOnce(kind, { collectors: ["memory"], criticalIf: "memory.totalBytes > 0 && memory.usedPercent >= 0" }, testEnv(dir));
      expect(o?.status).toBe("failed");
      expect(o?.severity).toBe("critical");
      expect(o?.error).toMatch(/^criticalIf matched: memory.totalBytes > 0 && memory.usedPercent >= 0 \(memory.totalBytes=\d+, memory.usedPercent=[\d.]+\)$/);
    });
  });

  test("recorded samples: CPU and network rates between two runs of the same check", async () => {
    let stat = STAT_1;
    let netdev = NETDEV_1;
    const files = {
      ...createRecordedHostFiles({ "/proc/meminfo": MEMINFO, "/proc/loadavg": "3.00 2.00 1.00 2/300 4000\n" }),
      readText: async (path: string) =>
        path === "/proc/stat" ? stat : path === "/proc/net/dev" ? netdev : path === "/proc/meminfo" ? MEMINFO : path === "/proc/loadavg" ? "3.00 2.00 1.00 2/300 4000\n" : undefined,
    };
    const k = hostMetricsKind({ files, disk: systemDisk });
    const run = k.create(k.options().parse({ collectors: ["cpu", "memory", "load", "network"], warningIf: "cpu.usedPercent > 80", criticalIf: "memory.usedPercent > 95" }), testEnv("/tmp"));
    const clock = new ManualClock(1_000_000);
    const ctx = { signal: new AbortController().signal, clock, logger: silentLogger };
    const [first] = await run(ctx);
    // Since boot: 1500 busy of 10000 jiffies (iowait counts as idle).
    expect(first?.metrics).toMatchObject({ "cpu.usedPercent": 15, "cpu.count": 2, "memory.usedPercent": 90, "load.perCpu1": 1.5, "network.rxBytesPerSecond": 0 });
    expect(first?.status).toBe("running");
    stat = STAT_2;
    netdev = NETDEV_2;
    await clock.advance(2000);
    const [second] = await run(ctx);
    // 900 busy of 1000 jiffies between the samples; eth0 rx +20000 B and tx +40000 B in 2 s, lo ignored.
    expect(second?.metrics).toMatchObject({ "cpu.usedPercent": 90, "network.rxBytesPerSecond": 10000, "network.txBytesPerSecond": 20000, "network.rxErrorsPerSecond": 1 });
    expect(second).toMatchObject({ status: "failed", severity: "warning", error: "warningIf matched: cpu.usedPercent > 80 (cpu.usedPercent=90)" });
  });

  test("rules are checked when the config loads", () => {
    expect(optionErrors(kind, { warningIf: "memory.usedPercent >" })).toEqual(['warningIf: invalid rule: expected a number, a string, a name or "(" but found the end of the expression']);
    expect(optionErrors(kind, { collectors: ["cpu"], criticalIf: "memory.usedPercent > 90" })).toEqual([
      "criticalIf: unknown variable memory.usedPercent; known with collectors cpu: cpu.usedPercent, cpu.iowaitPercent, cpu.count",
    ]);
    expect(optionErrors(kind, { collectors: ["gpu"] })[0]).toContain("collectors.0");
  });

  test("parsers", () => {
    expect(parseProcStat(STAT_1)).toEqual({ times: { total: 10000, idle: 8500, iowait: 500 }, count: 2 });
    expect(parseMeminfo(MEMINFO).get("MemAvailable")).toBe(400000 * 1024);
    expect(parseNetDev(NETDEV_1)).toEqual({ rxBytes: 10000, txBytes: 20000, rxErrors: 1, txErrors: 0 });
  });
});
