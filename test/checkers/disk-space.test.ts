import { describe, expect, test } from "bun:test";
import { diskSpaceKind, usedPercentOf } from "../../src/checkers/disk-space.ts";
import { systemDisk, type Disk } from "../../src/platform/disk.ts";
import { optionErrors, runOnce, testEnv, withTempDir } from "./_helpers.ts";

const kind = diskSpaceKind({ disk: systemDisk });

function fakeDisk(totalBytes: number, availableBytes: number): Disk {
  return {
    usage: async () => ({ totalBytes, availableBytes, freeBytes: availableBytes }),
    openSynced: () => Promise.reject(new Error("unused")),
    remove: async () => {},
  };
}

describe("disk-space", () => {
  test("real tmp dir: running with sizes that match statfs", async () => {
    await withTempDir(async (dir) => {
      const [outcome] = await runOnce(kind, {}, testEnv(dir));
      expect(outcome?.status).toBe("running");
      const data = outcome?.data as { path: string; totalBytes: number; availableBytes: number; usedPercent: number };
      expect(data.path).toBe(dir);
      expect(data.totalBytes).toBeGreaterThan(0);
      expect(data.availableBytes).toBeLessThanOrEqual(data.totalBytes);
      expect(data.usedPercent).toBeGreaterThanOrEqual(0);
    });
  });

  test("real tmp dir: watermarks just below the actual usage fail", async () => {
    await withTempDir(async (dir) => {
      const [first] = await runOnce(kind, {}, testEnv(dir));
      const used = (first?.data as { usedPercent: number }).usedPercent;
      if (used < 2) throw new Error(`filesystem of ${dir} is ${used}% used; cannot place watermarks below it`);
      const [warn] = await runOnce(kind, { lowWatermarkPercent: used / 2, highWatermarkPercent: 100 }, testEnv(dir));
      expect(warn).toMatchObject({ status: "failed", severity: "warning" });
      const [crit] = await runOnce(kind, { lowWatermarkPercent: used / 4, highWatermarkPercent: used / 2 }, testEnv(dir));
      expect(crit).toMatchObject({ status: "failed", severity: "critical" });
      expect(crit?.error).toContain("high watermark");
    });
  });

  test.each([
    [50, "running", undefined],
    [80, "running", undefined],
    [81, "failed", "warning"],
    [90, "failed", "warning"],
    [91, "failed", "critical"],
  ])("%p%% used -> %s %s", async (usedPercent, status, severity) => {
    const k = diskSpaceKind({ disk: fakeDisk(1000, 1000 - usedPercent * 10) });
    const [outcome] = await runOnce(k, { path: "/data" }, testEnv("/state"));
    expect(outcome?.status).toBe(status as "running" | "failed");
    expect(outcome?.severity).toBe(severity as "warning" | "critical" | undefined);
    expect((outcome?.data as { path: string }).path).toBe("/data");
  });

  test("missing path fails with the path named", async () => {
    const [outcome] = await runOnce(kind, { path: "/nonexistent/satellite/x" }, testEnv("/tmp"));
    expect(outcome?.status).toBe("failed");
    expect(outcome?.error).toContain("/nonexistent/satellite/x");
  });

  test("used percent counts the root reserve like df", () => {
    expect(usedPercentOf(100, 10, 5)).toBe(94.74);
    expect(usedPercentOf(0, 0, 0)).toBe(0);
  });

  test("option errors", () => {
    expect(optionErrors(kind, { lowWatermarkPercent: 95 })).toEqual(["lowWatermarkPercent: lowWatermarkPercent must be below highWatermarkPercent"]);
    expect(optionErrors(kind, { path: "relative" })).toEqual(["path: expected an absolute path"]);
    expect(optionErrors(kind, { pth: "/x" })[0]).toContain("pth");
  });
});
