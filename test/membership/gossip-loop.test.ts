import { describe, expect, test } from "bun:test";
import { createGossipLoop } from "../../src/membership/gossip-loop.ts";
import { silentLogger } from "../../src/platform/logger.ts";
import { ManualClock } from "../../src/platform/manual-clock.ts";
import { createSeededRandom } from "../../src/platform/random.ts";

const INTERVAL_MS = 200;

/** A loop whose rounds send while `queued` > 0 (one item per round), recording when each ran. */
function loopOver(clock: ManualClock) {
  const state = { queued: 0, roundsAtMs: [] as number[], stopped: false };
  const loop = createGossipLoop({
    clock,
    random: createSeededRandom(7),
    logger: silentLogger,
    intervalMs: INTERVAL_MS,
    isStopped: () => state.stopped,
    round: () => {
      state.roundsAtMs.push(clock.monotonicMs());
      if (state.queued === 0) return false;
      state.queued--;
      return true;
    },
  });
  return { loop, state };
}

describe("gossip loop", () => {
  test("after a round that sent nothing it sets no timer, however long the node stays idle", async () => {
    const clock = new ManualClock();
    const { loop, state } = loopOver(clock);
    loop.start();
    await clock.advance(INTERVAL_MS);
    expect(state.roundsAtMs).toHaveLength(1);
    expect(clock.pendingTimers()).toBe(0);
    await clock.advance(60_000);
    expect(state.roundsAtMs).toHaveLength(1);
  });

  test("it ticks every interval while rounds send, and sleeps after the first empty round", async () => {
    const clock = new ManualClock();
    const { loop, state } = loopOver(clock);
    state.queued = 3;
    loop.start();
    await clock.advance(10 * INTERVAL_MS);
    const first = state.roundsAtMs[0] as number;
    expect(state.roundsAtMs).toEqual([first, first + 200, first + 400, first + 600]);
    expect(clock.pendingTimers()).toBe(0);
  });

  test("something queued wakes it on the next tick of its old rhythm: within one interval, never sooner than one after the last round", async () => {
    const clock = new ManualClock();
    const { loop, state } = loopOver(clock);
    loop.start();
    await clock.advance(INTERVAL_MS);
    const last = state.roundsAtMs[0] as number;

    await clock.advance(1_050 - clock.monotonicMs() + last);
    state.queued = 1;
    loop.notifyQueued();
    loop.notifyQueued(); // a second enqueue before the round adds no second timer
    expect(clock.pendingTimers()).toBe(1);
    await clock.advance(INTERVAL_MS);
    expect(state.roundsAtMs[1]).toBe(last + 1_200);

    // The round after it finds the queue empty again; queued right after that round, the next
    // one still waits a whole interval.
    await clock.advance(last + 1_400 - clock.monotonicMs());
    expect(state.roundsAtMs[2]).toBe(last + 1_400);
    expect(clock.pendingTimers()).toBe(0);
    state.queued = 1;
    loop.notifyQueued();
    await clock.advance(INTERVAL_MS - 1);
    expect(state.roundsAtMs).toHaveLength(3);
    await clock.advance(1);
    expect(state.roundsAtMs[3]).toBe(last + 1_600);
  });

  test("something queued while an empty round runs keeps it ticking (the round may have looked before)", async () => {
    const clock = new ManualClock();
    let queued = false;
    const rounds: number[] = [];
    const loop = createGossipLoop({
      clock,
      random: createSeededRandom(7),
      logger: silentLogger,
      intervalMs: INTERVAL_MS,
      isStopped: () => false,
      round: () => {
        rounds.push(clock.monotonicMs());
        if (rounds.length === 1) {
          loop.notifyQueued(); // e.g. a done callback queued something after the queue was read
          return false;
        }
        const sent = queued;
        queued = false;
        return sent;
      },
    });
    loop.start();
    await clock.advance(INTERVAL_MS);
    queued = true;
    await clock.advance(INTERVAL_MS);
    expect(rounds).toHaveLength(2);
    expect((rounds[1] as number) - (rounds[0] as number)).toBe(INTERVAL_MS);
  });

  test("a stopped loop neither runs nor wakes", async () => {
    const clock = new ManualClock();
    const { loop, state } = loopOver(clock);
    loop.start();
    await clock.advance(INTERVAL_MS);
    state.stopped = true;
    state.queued = 1;
    loop.notifyQueued();
    expect(clock.pendingTimers()).toBe(0);
    await clock.advance(10 * INTERVAL_MS);
    expect(state.roundsAtMs).toHaveLength(1);
  });

  test("a round that throws is logged and the loop keeps ticking", async () => {
    const clock = new ManualClock();
    const errors: string[] = [];
    let rounds = 0;
    const logger = { ...silentLogger, error: (msg: string) => void errors.push(msg) };
    const loop = createGossipLoop({
      clock,
      random: createSeededRandom(7),
      logger,
      intervalMs: INTERVAL_MS,
      isStopped: () => false,
      round: () => {
        rounds++;
        if (rounds === 1) throw new Error("boom");
        return false;
      },
    });
    loop.start();
    await clock.advance(2 * INTERVAL_MS);
    expect(rounds).toBe(2);
    expect(errors).toEqual(["membership loop failed; continuing"]);
  });
});
