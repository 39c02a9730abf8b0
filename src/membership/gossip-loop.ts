import type { Clock } from "../platform/clock.ts";
import type { Logger } from "../platform/logger.ts";
import type { Random } from "../platform/random.ts";

export interface GossipLoopDeps {
  clock: Clock;
  random: Random;
  logger: Logger;
  intervalMs: number;
  isStopped(): boolean;
  /**
   * One gossip round; false when it found nothing to send. The loop then sets no timer until
   * `notifyQueued`, so an idle node does not wake every interval for an empty queue.
   */
  round(): boolean;
}

export interface GossipLoop {
  /** First round after a random stagger of up to one interval. Call once. */
  start(): void;
  /**
   * Something was queued for gossip. Wakes a sleeping loop: the next round runs on the tick it
   * would have had if the loop had kept ticking (a whole number of intervals after the last
   * round, never sooner than one interval), so traffic leaves with the same delay as before.
   * Cheap and safe to call on every enqueue, at any time, also before start and after stop.
   */
  notifyQueued(): void;
}

type LoopState = "created" | "scheduled" | "running" | "sleeping";

/**
 * memberlist's gossip ticker, except that a round that found nothing to send puts the loop to
 * sleep until something is queued: on an idle cluster nothing is queued for minutes, and the
 * tick was most of the main thread's wakeups. Rounds are never closer than `intervalMs`.
 */
export function createGossipLoop(deps: GossipLoopDeps): GossipLoop {
  const { clock, intervalMs } = deps;
  let state: LoopState = "created";
  let lastRoundAtMs = 0;
  // Set when something is queued while a round runs: that round may have looked before it.
  let queuedDuringRound = false;

  const scheduleAfter = (delayMs: number): void => {
    state = "scheduled";
    clock.setTimer(Math.max(0, delayMs), run);
  };

  const run = (): void => {
    if (deps.isStopped()) return;
    state = "running";
    queuedDuringRound = false;
    lastRoundAtMs = clock.monotonicMs();
    Promise.resolve()
      .then(() => deps.round())
      .catch((error: unknown) => {
        deps.logger.error("membership loop failed; continuing", { error });
        return true;
      })
      .then((sent) => {
        if (deps.isStopped()) return;
        if (sent || queuedDuringRound) scheduleAfter(lastRoundAtMs + intervalMs - clock.monotonicMs());
        else state = "sleeping";
      });
  };

  return {
    start() {
      if (state !== "created") return;
      scheduleAfter(deps.random.int(Math.max(1, intervalMs)));
    },
    notifyQueued() {
      if (state === "running") queuedDuringRound = true;
      if (state !== "sleeping" || deps.isStopped()) return;
      const sinceMs = clock.monotonicMs() - lastRoundAtMs;
      const ticks = Math.max(1, Math.ceil(sinceMs / intervalMs));
      scheduleAfter(lastRoundAtMs + ticks * intervalMs - clock.monotonicMs());
    },
  };
}
