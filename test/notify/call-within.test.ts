import { describe, expect, test } from "bun:test";
import { callWithin } from "../../src/notify/call-within.ts";
import { ManualClock } from "../../src/platform/manual-clock.ts";

/** A call that answers only by failing once its signal aborts, as fetch does. */
function hangingCall(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => signal.addEventListener("abort", () => reject(new DOMException("The operation was aborted.", "AbortError"))));
}

describe("callWithin", () => {
  test("a call that does not answer in time fails with the timeout, not the aborted request's error", async () => {
    const clock = new ManualClock();
    const outcome = callWithin(clock, 500, hangingCall).then(
      () => "answered",
      (error: unknown) => (error as Error).message,
    );
    await clock.advance(499);
    expect(clock.pendingTimers()).toBe(1);
    await clock.advance(1);
    expect(await outcome).toBe("no answer within 500 ms");
  });

  test("a call's own failure and its answer pass through, and the deadline is cancelled", async () => {
    const clock = new ManualClock();
    await expect(callWithin(clock, 500, async () => Promise.reject(new Error("HTTP 503 from the receiver")))).rejects.toThrow("HTTP 503 from the receiver");
    expect(await callWithin(clock, 500, async () => 42)).toBe(42);
    expect(clock.pendingTimers()).toBe(0);
  });
});
