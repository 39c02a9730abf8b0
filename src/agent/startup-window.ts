import type { TrackedCheck } from "../probes/node-health.ts";

/** The scheduler spreads first runs over at most this (scheduler.ts scheduleFirst). */
const FIRST_RUN_SPREAD_MS = 1000;
/** Room for runs queued behind the concurrency cap and for the report to land. */
const STARTUP_SLACK_MS = 1000;

/**
 * How long start-up may last: by then every check's first run has started and either ended
 * or timed out. A check that still has not reported is then left out of the node's status
 * instead of holding it `unknown`.
 */
export function startupWindowMs(checks: readonly Pick<TrackedCheck, "timeoutMs">[]): number {
  const longest = checks.reduce((max, c) => Math.max(max, c.timeoutMs), 0);
  return FIRST_RUN_SPREAD_MS + longest + STARTUP_SLACK_MS;
}
