import type { Clock, Timer } from "../platform/clock.ts";

/**
 * Runs `fn` once the input already waiting has been read. A deadline that decides against a
 * peer (no ack in time, a suspicion run out) must not be judged before what already arrived:
 * when a busy host leaves the process unscheduled past a deadline, the event loop often runs the due
 * timer before it reads the packets that came meanwhile, the ack or the refutation among them.
 * On the real clock a 0 ms timer set from a timer callback runs after the loop's next read of
 * its sockets (`test/platform/after-pending-input.test.ts` holds Bun to that); on a simulated
 * clock, after the events already due at this instant.
 */
export function afterPendingInput(clock: Clock, fn: () => void): Timer {
  return clock.setTimer(0, fn);
}
