import type { Clock, Timer } from "../platform/clock.ts";
import type { Random } from "../platform/random.ts";

/**
 * Runs `run` every `intervalMs` (±10 % jitter, so nodes do not ask each other in step), the next
 * run scheduled only after the last one ended: runs never overlap. `run` must not reject.
 */
export function repeatingTask(clock: Clock, random: Random, intervalMs: number, run: () => Promise<void>): { stop(): void } {
  let timer: Timer | undefined;
  let stopped = false;
  const schedule = () => {
    timer = clock.setTimer(intervalMs * (0.9 + 0.2 * random.float()), () => {
      if (stopped) return;
      void run().finally(() => {
        if (!stopped) schedule();
      });
    });
  };
  schedule();
  return {
    stop() {
      stopped = true;
      timer?.cancel();
    },
  };
}

/**
 * `repeatingTask` that runs only while `hasWork()`: no timer while there is nothing to do, so an
 * idle node is not woken every interval. `wake()` after adding work starts it (the first run
 * one jittered interval later, as a tick would come); after each run it goes on only while
 * `hasWork()` still holds. Runs never overlap. `run` must not reject.
 */
export function repeatingTaskWhileWork(clock: Clock, random: Random, intervalMs: number, run: () => Promise<void>, hasWork: () => boolean): { wake(): void; stop(): void } {
  let timer: Timer | undefined;
  let running = false;
  let stopped = false;
  const schedule = () => {
    timer = clock.setTimer(intervalMs * (0.9 + 0.2 * random.float()), () => {
      timer = undefined;
      if (stopped) return;
      running = true;
      void run().finally(() => {
        running = false;
        if (!stopped && hasWork()) schedule();
      });
    });
  };
  return {
    wake() {
      if (!stopped && !running && timer === undefined && hasWork()) schedule();
    },
    stop() {
      stopped = true;
      timer?.cancel();
    },
  };
}
