import { describe, expect, test } from "bun:test";
import { readdir } from "node:fs/promises";
import { diskLatencyKind } from "../../src/checkers/disk-latency.ts";
import { percentile } from "../../src/checkers/_stats.ts";
import { systemDisk } from "../../src/platform/disk.ts";
import { optionErrors, runOnce, testEnv, withTempDir } from "./_helpers.ts";

const kind = diskLatencyKind({ disk: systemDisk });

describe("disk-latency", () => {
  test("real tmp dir: measures, reports p99 and leaves no file behind", async () => {
    await withTempDir(async (dir) => {
      const [outcome] = await runOnce(kind, { iterations: 5, criticalMs: 60000, warningMs: 30000 }, testEnv(dir));
      expect(outcome?.status).toBe("running");
      const data = outcome?.data as { path: string; iterations: number; p99Ms: number };
      expect(data.path).toBe(dir);
      expect(data.iterations).toBe(5);
      expect(data.p99Ms).toBeGreaterThanOrEqual(0);
      expect(outcome?.metrics?.fsyncP99Ms).toBe(data.p99Ms);
      expect(await readdir(dir)).toEqual([]);
    });
  });

  test("real tmp dir: a tiny limit turns the same disk into a warning or critical", async () => {
    await withTempDir(async (dir) => {
      const [outcome] = await runOnce(kind, { iterations: 3, warningMs: 0.000001, criticalMs: 60000 }, testEnv(dir));
      expect(outcome).toMatchObject({ status: "failed", severity: "warning" });
      const [crit] = await runOnce(kind, { iterations: 3, warningMs: 0.000001, criticalMs: 0.000002 }, testEnv(dir));
      expect(crit).toMatchObject({ status: "failed", severity: "critical" });
      expect(await readdir(dir)).toEqual([]);
    });
  });

  test("missing directory fails, naming it", async () => {
    const [outcome] = await runOnce(kind, { path: "/nonexistent/satellite" }, testEnv("/tmp"));
    expect(outcome?.status).toBe("failed");
    expect(outcome?.error).toContain("/nonexistent/satellite");
    expect(outcome?.detail).toContain("writable");
  });

  test("an aborted run stops writing and still removes its file", async () => {
    await withTempDir(async (dir) => {
      const controller = new AbortController();
      controller.abort();
      const [outcome] = await runOnce(kind, { iterations: 100 }, testEnv(dir), controller.signal);
      expect(outcome?.status).toBe("failed");
      expect(outcome?.error).toContain("aborted after 0 of 100");
      expect(await readdir(dir)).toEqual([]);
    });
  });

  test("percentile is nearest-rank", () => {
    expect(percentile([5, 1, 3], 50)).toBe(3);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 99)).toBe(10);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90)).toBe(9);
  });

  test("option errors", () => {
    expect(optionErrors(kind, { warningMs: 600 })).toEqual(["warningMs: warningMs must be below criticalMs"]);
    expect(optionErrors(kind, { iterations: 0 }).length).toBe(1);
  });
});
