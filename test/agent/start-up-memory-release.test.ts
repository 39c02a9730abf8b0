import { describe, expect, test } from "bun:test";
import { MEMBERSHIP_QUIET_MS, RELEASE_LATEST_MS, RELEASE_SPREAD_MS, scheduleStartUpMemoryRelease } from "../../src/agent/start-up-memory-release.ts";
import { createEventStream } from "../../src/events/event-stream.ts";
import { createMemoryLogger } from "../../src/platform/logger.ts";
import { ManualClock } from "../../src/platform/manual-clock.ts";
import type { Random } from "../../src/platform/random.ts";

/** A random source that always draws `fraction` of the range. */
function fixedRandom(fraction: number): Random {
  return { float: () => fraction, int: (max) => Math.floor(fraction * max) };
}

function setup(settledAfterMs: number, fraction = 0) {
  const clock = new ManualClock();
  const events = createEventStream({ clock, logger: createMemoryLogger(), epoch: "t" });
  let releases = 0;
  const state = { joining: false };
  const cancel = scheduleStartUpMemoryRelease({ clock, random: fixedRandom(fraction), events, settledAfterMs, release: () => void releases++, joining: () => state.joining });
  const join = (node: string) => events.publish({ type: "NodeAdded", node });
  return { clock, events, join, cancel, state, released: () => releases };
}

describe("releasing start-up's memory", () => {
  test("waits for start-up to settle when the membership is quiet", async () => {
    const s = setup(15_000);
    await s.clock.advance(14_999);
    expect(s.released()).toBe(0);
    await s.clock.advance(1);
    expect(s.released()).toBe(1);
    await s.clock.advance(RELEASE_LATEST_MS);
    expect(s.released()).toBe(1);
  });

  test("waits until no member joined for the quiet time, plus this agent's share of the spread", async () => {
    const spreadMs = Math.floor(0.5 * (RELEASE_SPREAD_MS + 1));
    const s = setup(15_000, 0.5);
    await s.clock.advance(14_000);
    s.join("b7");
    await s.clock.advance(MEMBERSHIP_QUIET_MS - 1_000);
    s.join("b8");
    await s.clock.advance(MEMBERSHIP_QUIET_MS + spreadMs - 1);
    expect(s.released()).toBe(0);
    await s.clock.advance(1);
    expect(s.released()).toBe(1);
  });

  test("an agent still waiting for its seed is not quiet: it frees after its join, once members stop changing", async () => {
    const s = setup(15_000);
    s.state.joining = true;
    await s.clock.advance(40_000);
    expect(s.released()).toBe(0);
    s.state.joining = false;
    s.join("seed");
    await s.clock.advance(MEMBERSHIP_QUIET_MS - 1);
    expect(s.released()).toBe(0);
    // The next look comes at most one quiet time after the join was seen.
    await s.clock.advance(MEMBERSHIP_QUIET_MS + 1);
    expect(s.released()).toBe(1);
  });

  test("an agent that never joins still frees at the latest deadline", async () => {
    const s = setup(15_000);
    s.state.joining = true;
    await s.clock.advance(RELEASE_LATEST_MS - 1);
    expect(s.released()).toBe(0);
    await s.clock.advance(1);
    expect(s.released()).toBe(1);
  });

  test("ignores what is not a change of the members", async () => {
    const s = setup(15_000);
    await s.clock.advance(10_000);
    s.events.publish({ type: "NodeUpdated", node: "b7" });
    await s.clock.advance(5_000);
    expect(s.released()).toBe(1);
  });

  test("frees at the latest deadline in a cluster whose membership never settles", async () => {
    const s = setup(15_000);
    for (let t = 0; t < RELEASE_LATEST_MS - 1_000; t += 1_000) {
      s.join(`b${t}`);
      await s.clock.advance(1_000);
    }
    expect(s.released()).toBe(0);
    await s.clock.advance(1_000);
    expect(s.released()).toBe(1);
  });

  test("a cancelled release never runs and stops following the stream", async () => {
    const s = setup(15_000);
    s.cancel();
    await s.clock.advance(RELEASE_LATEST_MS * 2);
    expect(s.released()).toBe(0);
    expect(s.clock.pendingTimers()).toBe(0);
  });
});
