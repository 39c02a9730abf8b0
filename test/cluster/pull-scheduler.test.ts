import { describe, expect, test } from "bun:test";
import { PullScheduler } from "../../src/cluster/pull-scheduler.ts";
import type { Clock } from "../../src/platform/clock.ts";
import { ManualClock } from "../../src/platform/manual-clock.ts";

const sleepOn = (clock: ManualClock, ms: number) => new Promise<void>((resolve) => clock.setTimer(ms, resolve));

describe("PullScheduler", () => {
  /** A clock that refuses to be spun: a scheduler re-arming a timer for "now" again and again fails the test instead of hanging it. */
  function setup(concurrency: number, pullMs: number, wanted = () => true) {
    const manual = new ManualClock();
    let timers = 0;
    const clock: Clock = {
      nowMs: () => manual.nowMs(),
      monotonicMs: () => manual.monotonicMs(),
      setTimer(delayMs, fn) {
        if (++timers > 500) throw new Error("the scheduler set more than 500 timers: it spins");
        return manual.setTimer(delayMs, fn);
      },
    };
    const started: string[] = [];
    let inFlight = 0;
    let peak = 0;
    const scheduler = new PullScheduler({
      clock,
      concurrency,
      minIntervalMs: 2000,
      wanted,
      pull: async (owner) => {
        started.push(`${owner}@${manual.monotonicMs()}`);
        peak = Math.max(peak, ++inFlight);
        await sleepOn(manual, pullMs);
        inFlight--;
      },
      onFailure: () => {},
    });
    return { manual, scheduler, started, peak: () => peak };
  }

  test("at most `concurrency` pulls at once; the others start as slots free up, without spinning", async () => {
    const { manual, scheduler, started, peak } = setup(2, 50);
    for (const owner of ["a", "b", "c", "d", "e"]) scheduler.schedule(owner, 0);
    await manual.advance(10);
    expect(started).toEqual(["a@0", "b@0"]);
    await manual.advance(200);
    expect(started.map((s) => s.split("@")[0])).toEqual(["a", "b", "c", "d", "e"]);
    expect(peak()).toBe(2);
  });

  test("an owner asked again while its pull runs, or soon after, is pulled once more after the least interval", async () => {
    const { manual, scheduler, started } = setup(4, 100);
    scheduler.schedule("a", 0);
    await manual.advance(10);
    scheduler.schedule("a", 0);
    scheduler.schedule("a", 0);
    await manual.advance(3000);
    expect(started).toEqual(["a@0", "a@2000"]);
  });

  test("a pull no longer wanted when due does not run; a later request keeps an earlier one", async () => {
    let want = false;
    const { manual, scheduler, started } = setup(4, 10, () => want);
    scheduler.schedule("a", 500);
    await manual.advance(1000);
    expect(started).toEqual([]);
    want = true;
    scheduler.schedule("b", 100);
    scheduler.schedule("b", 900);
    await manual.advance(200);
    expect(started).toEqual(["b@1100"]);
  });
});
