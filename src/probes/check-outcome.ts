import type { Severity } from "../events/health-state.ts";

/**
 * What one run of a check found. A check may report several outcomes (systemd reports one
 * failed outcome per failed unit); an empty list means "nothing to report" and is shown as a
 * single running probe. The shown shapes (Probe, NodeStatus, Severity) are in
 * events/health-state.ts.
 */
export interface CheckOutcome {
  status: "running" | "failed";
  /** For failed outcomes; defaults to the check's configured severity. */
  severity?: Severity;
  error?: string;
  detail?: string;
  code?: string;
  /** Serialised to JSON then base64 into `checker_data`. */
  data?: unknown;
  /** Numeric measurements (nagios perfdata, collector values) for history and metrics. */
  metrics?: Record<string, number>;
}
