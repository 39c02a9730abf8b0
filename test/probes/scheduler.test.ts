import { describe, expect, test } from "bun:test";
import { sleep } from "../../src/platform/clock.ts";
import { silentLogger } from "../../src/platform/logger.ts";
import { ManualClock } from "../../src/platform/manual-clock.ts";
import { createSeededRandom } from "../../src/platform/random.ts";
import type { CheckRun } from "../../src/probes/checker.ts";
import { Scheduler, type CheckRunReport } from "../../src/probes/scheduler.ts";

function setup(concurrencyMax = 4) {
  const clock = new ManualClock();
  const reports: CheckRunReport[] = [];
  const scheduler = new Scheduler({
    clock,
    random: createSeededRandom(7),
    logger: silentLogger,
    concurrencyMax,
    jitterFraction: 0.1,
    onReport: (r) => reports.push(r),
  });
  return { clock, reports, scheduler };
}

/** A check that takes `durationMs` of clock time and records how many of its kind run at once. */
function timedCheck(clock: ManualClock, durationMs: number, gauge: { now: number; peak: number }): CheckRun {
  return async (ctx) => {
    gauge.now++;
    gauge.peak = Math.max(gauge.peak, gauge.now);
    try {
      await sleep(clock, durationMs, ctx.signal);
      return [{ status: "running" }];
    } finally {
      gauge.now--;
    }
  };
}

describe("Scheduler", () => {
  test("runs each check about once per interval, with jitter within +-10 %", async () => {
    const { clock, reports, scheduler } = setup();
    scheduler.add({ name: "a", intervalMs: 1000, timeoutMs: 500, run: async () => [{ status: "running" }] });
    scheduler.start();
    await clock.advance(100_000);
    const starts = reports.map((r) => r.startedAtMs);
    expect(reports.length).toBeGreaterThanOrEqual(95);
    expect(reports.length).toBeLessThanOrEqual(106);
    for (let i = 1; i < starts.length; i++) {
      const gap = (starts[i] as number) - (starts[i - 1] as number);
      expect(gap).toBeGreaterThanOrEqual(900);
      expect(gap).toBeLessThanOrEqual(1100);
    }
    await scheduler.stop();
  });

  test("spreads the first runs so checks do not fire all at once", async () => {
    const { clock, reports, scheduler } = setup(100);
    for (let i = 0; i < 20; i++) scheduler.add({ name: `c${i}`, intervalMs: 10_000, timeoutMs: 1000, run: async () => [] });
    scheduler.start();
    await clock.advance(1000);
    expect(new Set(reports.map((r) => r.startedAtMs)).size).toBeGreaterThan(15);
    await scheduler.stop();
  });

  test("never runs more than the concurrency cap at once", async () => {
    const { clock, scheduler } = setup(3);
    const gauge = { now: 0, peak: 0 };
    for (let i = 0; i < 10; i++) scheduler.add({ name: `c${i}`, intervalMs: 1000, timeoutMs: 5000, run: timedCheck(clock, 800, gauge) });
    scheduler.start();
    await clock.advance(20_000);
    expect(gauge.peak).toBe(3);
    expect(scheduler.stats().runsStarted).toBeGreaterThan(20);
    await scheduler.stop();
  });

  test("never runs two runs of the same check at once; skipped ticks are counted", async () => {
    const { clock, scheduler } = setup();
    const gauge = { now: 0, peak: 0 };
    scheduler.add({ name: "slow", intervalMs: 1000, timeoutMs: 10_000, run: timedCheck(clock, 3500, gauge) });
    scheduler.start();
    await clock.advance(20_000);
    expect(gauge.peak).toBe(1);
    expect(scheduler.stats().overlapsSkipped).toBeGreaterThan(5);
    await scheduler.stop();
  });

  test("a run past its timeout becomes a failed outcome and its signal is aborted", async () => {
    const { clock, reports, scheduler } = setup();
    let sawAbort = false;
    scheduler.add({
      name: "hang",
      intervalMs: 10_000,
      timeoutMs: 200,
      run: (ctx) =>
        new Promise((resolve) => {
          ctx.signal.addEventListener("abort", () => {
            sawAbort = true;
            resolve([]);
          });
        }),
    });
    scheduler.start();
    await clock.advance(1500);
    expect(sawAbort).toBe(true);
    expect(reports[0]?.outcomes).toEqual([{ status: "failed", error: "timed out after 200ms", code: "timeout" }]);
    expect(reports[0]?.durationMs).toBe(200);
    expect(scheduler.stats().runsTimedOut).toBe(1);
    await scheduler.stop();
  });

  test("a check that ignores its signal still reports at the timeout and is not started again until it settles", async () => {
    const { clock, reports, scheduler } = setup();
    let started = 0;
    let release: () => void = () => {};
    scheduler.add({
      name: "deaf",
      intervalMs: 1000,
      timeoutMs: 300,
      run: () => {
        started++;
        return new Promise((resolve) => (release = () => resolve([])));
      },
    });
    scheduler.start();
    await clock.advance(5000);
    expect(started).toBe(1);
    expect(reports.length).toBe(1);
    release();
    await clock.advance(1100);
    expect(started).toBe(2);
    await scheduler.stop();
  });

  test("a check that throws, synchronously or not, becomes a failed outcome with the reason", async () => {
    const { clock, reports, scheduler } = setup();
    scheduler.add({ name: "sync", intervalMs: 1000, timeoutMs: 100, run: () => { throw new Error("boom"); } });
    scheduler.add({ name: "async", intervalMs: 1000, timeoutMs: 100, run: async () => { throw new Error("bang"); } });
    scheduler.start();
    await clock.advance(150);
    const byName = Object.fromEntries(reports.map((r) => [r.name, r]));
    expect(byName.sync?.outcomes[0]).toEqual({ status: "failed", error: "check failed: boom", code: "error" });
    expect(byName.async?.error).toBe("check failed: bang");
    await scheduler.stop();
  });

  test("stop aborts running checks, drops their reports and schedules nothing more", async () => {
    const { clock, reports, scheduler } = setup();
    const gauge = { now: 0, peak: 0 };
    scheduler.add({ name: "long", intervalMs: 1000, timeoutMs: 60_000, run: timedCheck(clock, 30_000, gauge) });
    scheduler.start();
    await clock.advance(200);
    expect(gauge.now).toBe(1);
    await scheduler.stop();
    expect(gauge.now).toBe(0);
    expect(reports).toEqual([]);
    await clock.advance(10_000);
    expect(reports).toEqual([]);
    expect(clock.pendingTimers()).toBe(0);
  });

  test("runNow runs at once and returns the report", async () => {
    const { scheduler } = setup();
    scheduler.add({ name: "x", intervalMs: 60_000, timeoutMs: 100, run: async () => [{ status: "failed", error: "no" }] });
    const report = await scheduler.runNow("x");
    expect(report?.outcomes).toEqual([{ status: "failed", error: "no" }]);
    expect(scheduler.runNow("missing")).toBeUndefined();
  });
});
