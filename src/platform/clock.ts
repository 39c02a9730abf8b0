/** A scheduled callback that can be cancelled; cancelling twice is harmless. */
export interface Timer {
  cancel(): void;
}

/**
 * Every reading of time and every timer in the core goes through a Clock, so tests can drive
 * time by hand (see ManualClock) and never sleep.
 */
export interface Clock {
  /** Wall-clock time in milliseconds since the Unix epoch (may jump). */
  nowMs(): number;
  /** Monotonic milliseconds for measuring durations; only differences are meaningful. */
  monotonicMs(): number;
  /** Runs `fn` once after `delayMs`; the callback must not throw. */
  setTimer(delayMs: number, fn: () => void): Timer;
}

/** Resolves after `delayMs` on `clock`, or rejects with the signal's reason when aborted. */
export function sleep(clock: Clock, delayMs: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      timer.cancel();
      reject(signal?.reason);
    };
    const timer = clock.setTimer(delayMs, () => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    });
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** The real clock of the process. */
export const systemClock: Clock = {
  nowMs: () => Date.now(),
  monotonicMs: () => performance.now(),
  setTimer(delayMs, fn) {
    const handle = setTimeout(fn, Math.max(0, delayMs));
    return { cancel: () => clearTimeout(handle) };
  },
};
