import { describe, expect, test } from "bun:test";
import { ManualClock, flushMicrotasks } from "../../src/platform/manual-clock.ts";
import { createPruneRunner } from "../../src/store/sqlite/prune-runner.ts";

/** A retention pass that ends only when the test says so; records when passes start. */
function controlledPasses() {
  const started: number[] = [];
  const finishers: ((removed: number) => void)[] = [];
  const run = (nowMs: number): Promise<number> => {
    started.push(nowMs);
    return new Promise((resolve) => finishers.push(resolve));
  };
  const finishNext = async (removed = 1): Promise<void> => {
    finishers.shift()?.(removed);
    await flushMicrotasks();
  };
  return { started, run, finishNext };
}

describe("createPruneRunner", () => {
  test("a pass asked for during another starts only after it ended", async () => {
    const clock = new ManualClock();
    const passes = controlledPasses();
    let closed = false;
    const runner = createPruneRunner({ clock, intervalMs: 0, run: passes.run, isClosed: () => closed, onError: () => {} });
    const first = runner.prune(1);
    const second = runner.prune(2);
    await flushMicrotasks();
    expect(passes.started).toEqual([1]);
    await passes.finishNext(5);
    expect(await first).toBe(5);
    expect(passes.started).toEqual([1, 2]);
    await passes.finishNext(7);
    expect(await second).toBe(7);
    closed = true;
    expect(await runner.prune(3)).toBe(0);
    expect(passes.started).toEqual([1, 2]);
  });

  test("the timer starts a pass every interval but skips its turn while its last pass still runs", async () => {
    const clock = new ManualClock();
    const passes = controlledPasses();
    const runner = createPruneRunner({ clock, intervalMs: 1000, run: passes.run, isClosed: () => false, onError: () => {} });
    await clock.advance(1000);
    expect(passes.started).toHaveLength(1);
    await clock.advance(1000);
    expect(passes.started).toHaveLength(1);
    await passes.finishNext();
    await clock.advance(1000);
    expect(passes.started).toHaveLength(2);
    runner.stop();
    await passes.finishNext();
    await clock.advance(5000);
    expect(passes.started).toHaveLength(2);
  });
});
