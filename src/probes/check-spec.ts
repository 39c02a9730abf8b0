import type { Severity } from "../events/health-state.ts";

/**
 * One check as configured (config file `checks:` entry or a built-in default). The keys below
 * are common to every kind; every other key is an option of the kind, validated by that kind's
 * `options` schema.
 */
export interface CheckSpec {
  /** Unique per node; shown as the probe's `checker`. */
  name: string;
  kind: string;
  intervalMs?: number;
  timeoutMs?: number;
  /** Severity of a failure when the checker does not say (default critical). */
  severity?: Severity;
  /** Consecutive failures before the probe shows failed (flap damping, default 1). */
  failuresBeforeCritical?: number;
  /** Consecutive successes before a failed probe shows running again (default 1). */
  successesBeforePassing?: number;
  /** `key=value` or a condition over the node's tags; the check runs only where it holds (docs/detectors.md). */
  applyOn?: string;
  [option: string]: unknown;
}

export const COMMON_CHECK_KEYS = [
  "name",
  "kind",
  "intervalMs",
  "timeoutMs",
  "severity",
  "failuresBeforeCritical",
  "successesBeforePassing",
  "applyOn",
] as const;
