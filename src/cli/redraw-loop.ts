import type { Clock, Timer } from "../platform/clock.ts";

export interface RedrawLoopOptions {
  /** Fetches and prints once; a rejection ends the loop with it. */
  draw(): Promise<void>;
  clock: Clock;
  /** Aborting ends the loop (SIGINT); the promise then resolves. */
  stop: AbortSignal;
  /** A redraw at least this often, change or not. */
  intervalMs: number;
  /** However many changes arrive, at most one redraw per this gap. */
  redrawGapMs: number;
  /**
   * Calls `onChange` for every change the agent reports (its event stream) until `stop`;
   * without it, or when it fails, only the interval redraws.
   */
  follow?(onChange: () => void, stop: AbortSignal): Promise<void>;
  /** Told once when following changes failed (the interval goes on). */
  onFollowFailed?(error: unknown): void;
}

/**
 * `status --watch`: draws now, then again after every reported change (coalesced to one
 * redraw per `redrawGapMs`) and every `intervalMs`, until `stop`. Bounded: one draw at a time,
 * at most one per gap, whatever the agent sends.
 */
export async function redrawUntilStopped(options: RedrawLoopOptions): Promise<void> {
  const { clock, stop } = options;
  let lastDrawMs = clock.monotonicMs();
  await options.draw();
  let changed = false;
  let onWake: (() => void) | undefined;
  const following = options.follow?.(() => {
    changed = true;
    onWake?.();
  }, stop);
  following?.catch((error: unknown) => {
    if (!stop.aborted) options.onFollowFailed?.(error);
  });
  while (!stop.aborted) {
    await new Promise<void>((resolve) => {
      const timers: Timer[] = [];
      const done = () => {
        for (const timer of timers) timer.cancel();
        stop.removeEventListener("abort", done);
        onWake = undefined;
        resolve();
      };
      const scheduleChange = () => {
        onWake = undefined;
        timers.push(clock.setTimer(Math.max(0, options.redrawGapMs - (clock.monotonicMs() - lastDrawMs)), done));
      };
      timers.push(clock.setTimer(Math.max(0, options.intervalMs - (clock.monotonicMs() - lastDrawMs)), done));
      stop.addEventListener("abort", done, { once: true });
      if (changed) scheduleChange();
      else onWake = scheduleChange;
    });
    if (stop.aborted) break;
    changed = false;
    lastDrawMs = clock.monotonicMs();
    await options.draw();
  }
  await following?.catch(() => {});
}
