/** Probe and status shapes as served in the status JSON (snake_case, see docs/status-json.md). */

export type ProbeStatus = "running" | "failed" | "terminated";
export type Severity = "critical" | "warning";
export type NodeStatus = "running" | "degraded" | "unknown";

/** One probe as it appears in `/status` and `/local`; empty fields are omitted. */
export interface Probe {
  checker: string;
  status: ProbeStatus;
  error?: string;
  detail?: string;
  code?: string;
  /** Omitted means critical. */
  severity?: Severity;
  /** base64 of a JSON document with checker-specific data. */
  checker_data?: string;
}

/**
 * What one run of a check found. A check may report several outcomes (systemd reports one
 * failed outcome per failed unit); an empty list means "nothing to report" and is shown as a
 * single running probe.
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
