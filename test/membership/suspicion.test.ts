import { describe, expect, test } from "bun:test";
import { ManualClock } from "../../src/platform/manual-clock.ts";
import { remainingSuspicionTime, Suspicion, suspicionMinTimeoutMs } from "../../src/membership/suspicion.ts";

describe("suspicion timeouts", () => {
  test.each([
    [5, 4000],
    [20, 5204],
    [50, 6796],
    [100, 8000],
    [1, 4000],
    [1000, 12000],
  ])("min timeout for n=%d with LAN defaults is %d ms", (n, expected) => {
    expect(suspicionMinTimeoutMs(4, n, 1000)).toBe(expected);
  });

  // memberlist's suspicion_test.go table, k = 3, min 2 s, max 30 s.
  test.each([
    [0, 3, 0, 30_000],
    [1, 3, 2000, 14_000],
    [2, 3, 3000, 4810],
    [3, 3, 4000, -2000],
    [4, 3, 5000, -3000],
    [5, 3, 10_000, -8000],
  ])("n=%d k=%d elapsed=%d leaves %d ms", (n, k, elapsed, expected) => {
    expect(remainingSuspicionTime(n, k, elapsed, 2000, 30_000)).toBe(expected);
  });

  test("never below min", () => {
    expect(remainingSuspicionTime(10, 3, 0, 2000, 30_000)).toBe(2000);
  });
});

describe("Suspicion timer", () => {
  test("fires at max without confirmations", async () => {
    const clock = new ManualClock();
    let firedAt = -1;
    new Suspicion("a", 3, 2000, 30_000, clock, () => (firedAt = clock.monotonicMs()));
    await clock.advance(29_999);
    expect(firedAt).toBe(-1);
    await clock.advance(1);
    expect(firedAt).toBe(30_000);
  });

  test("confirmations shrink the timeout; duplicates and the accuser do not count", async () => {
    const clock = new ManualClock();
    let fired: number | undefined;
    let firedAt = -1;
    const s = new Suspicion("a", 3, 2000, 30_000, clock, (c) => ((fired = c), (firedAt = clock.monotonicMs())));
    expect(s.confirm("a")).toBe(false);
    await clock.advance(1000);
    expect(s.confirm("b")).toBe(true);
    expect(s.confirm("b")).toBe(false);
    expect(s.confirm("c")).toBe(true);
    expect(s.confirm("d")).toBe(true);
    expect(s.confirm("e")).toBe(false);
    await clock.advance(999);
    expect(fired).toBeUndefined();
    await clock.advance(1);
    expect(fired).toBe(3);
    expect(firedAt).toBe(2000);
  });

  test("k = 0 uses min right away; cancel stops it", async () => {
    const clock = new ManualClock();
    let fired = 0;
    new Suspicion("a", 0, 2000, 30_000, clock, () => fired++);
    const cancelled = new Suspicion("a", 0, 2000, 30_000, clock, () => fired++);
    cancelled.cancel();
    await clock.advance(2000);
    expect(fired).toBe(1);
  });
});
