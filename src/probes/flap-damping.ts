/**
 * Flap damping: a check changes its shown state only after N consecutive results that agree.
 * Pure; the probe state holds one DampingState per check.
 */
export type StableState = "passing" | "failing";

export interface DampingState {
  stable: StableState;
  consecutiveFailures: number;
  consecutiveSuccesses: number;
}

export interface DampingThresholds {
  /** Consecutive failed runs before a passing check shows failed (>= 1). */
  failuresBeforeCritical: number;
  /** Consecutive passing runs before a failed check shows running (>= 1). */
  successesBeforePassing: number;
}

export const INITIAL_DAMPING: DampingState = { stable: "passing", consecutiveFailures: 0, consecutiveSuccesses: 0 };

export function applyDamping(state: DampingState, failed: boolean, thresholds: DampingThresholds): DampingState {
  const consecutiveFailures = failed ? state.consecutiveFailures + 1 : 0;
  const consecutiveSuccesses = failed ? 0 : state.consecutiveSuccesses + 1;
  let stable = state.stable;
  if (stable === "passing" && consecutiveFailures >= thresholds.failuresBeforeCritical) stable = "failing";
  if (stable === "failing" && consecutiveSuccesses >= thresholds.successesBeforePassing) stable = "passing";
  return { stable, consecutiveFailures, consecutiveSuccesses };
}
