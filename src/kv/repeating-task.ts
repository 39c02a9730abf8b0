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
