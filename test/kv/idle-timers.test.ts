import { afterEach, describe, expect, test } from "bun:test";
import { repeatingTaskWhileWork } from "../../src/kv/repeating-task.ts";
import type { Timer } from "../../src/platform/clock.ts";
import { ManualClock } from "../../src/platform/manual-clock.ts";
import { createSeededRandom } from "../../src/platform/random.ts";
import { KvTestCluster } from "./kv-test-cluster.ts";

/** Counts the timers set: each is a wakeup of the process. */
class CountingClock extends ManualClock {
  timersSet = 0;
  override setTimer(delayMs: number, fn: () => void): Timer {
    this.timersSet++;
    return super.setTimer(delayMs, fn);
  }
}

describe("a task that runs only while there is work", () => {
  const setup = () => {
    const clock = new ManualClock();
    const state = { work: 0, runsAtMs: [] as number[] };
    const task = repeatingTaskWhileWork(
      clock,
      createSeededRandom(3),
      1000,
      async () => {
        state.runsAtMs.push(clock.monotonicMs());
        if (state.work > 0) state.work--;
      },
      () => state.work > 0,
    );
    return { clock, state, task };
  };

  test("no work: no timer, and a wake with nothing to do sets none", async () => {
    const { clock, state, task } = setup();
    task.wake();
    expect(clock.pendingTimers()).toBe(0);
    await clock.advance(60_000);
    expect(state.runsAtMs).toEqual([]);
  });

  test("work added and woken: it runs about every interval until no work is left, then sets no timer", async () => {
    const { clock, state, task } = setup();
    await clock.advance(5_000);
    state.work = 3;
    task.wake();
    task.wake(); // a second wake adds no second timer
    expect(clock.pendingTimers()).toBe(1);
    await clock.advance(10_000);
    expect(state.runsAtMs).toHaveLength(3);
    for (const [i, at] of state.runsAtMs.entries()) {
      const since = at - (i === 0 ? 5_000 : (state.runsAtMs[i - 1] as number));
      expect(since).toBeGreaterThanOrEqual(900);
      expect(since).toBeLessThanOrEqual(1_100);
    }
    expect(clock.pendingTimers()).toBe(0);
  });

  test("stop cancels a pending run and later wakes start nothing", async () => {
    const { clock, state, task } = setup();
    state.work = 1;
    task.wake();
    task.stop();
    task.wake();
    await clock.advance(10_000);
    expect(state.runsAtMs).toEqual([]);
    expect(clock.pendingTimers()).toBe(0);
  });
});

describe("the replicated store's hint delivery", () => {
  let cluster: KvTestCluster | undefined;
  afterEach(() => cluster?.close());

  test("its timer runs only while hints wait: none on an idle store, from the first hint until the last is delivered", async () => {
    const clock = new CountingClock();
    // Anti-entropy every hour: within the test only hint delivery sets timers.
    cluster = new KvTestCluster(clock, { antiEntropyIntervalMs: 3_600_000, hintIntervalMs: 1000 });
    for (const name of ["n0", "n1", "n2"]) cluster.add(name);
    const idleFor = async (ms: number) => {
      const before = clock.timersSet;
      await clock.advance(ms);
      return clock.timersSet - before;
    };
    expect(await idleFor(30_000)).toBe(0);

    cluster.setState("n2", "failed");
    await cluster.kv("n0").put("k", new TextEncoder().encode("v"));
    await clock.advance(0);
    expect(cluster.kv("n0").stats().hintsHeld).toBe(1);
    // While the replica is down the hint waits, tried about every second.
    const whileDown = await idleFor(10_000);
    expect(whileDown).toBeGreaterThanOrEqual(9);
    expect(whileDown).toBeLessThanOrEqual(12);

    cluster.setState("n2", "alive");
    await clock.advance(1_200);
    expect(cluster.kv("n0").stats()).toMatchObject({ hintsHeld: 0, hintsDelivered: 1 });
    expect(await idleFor(30_000)).toBe(0);
  });
});
