/**
 * The health vocabulary every layer speaks: a probe's and a node's state and a failure's
 * severity, in the status JSON shape (snake_case, see docs/status-json.md). It lives here,
 * below probes and cluster, so the cluster picture (digests, views, status) and the probes that
 * produce it share one definition without the cluster layer importing probes.
 */

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
 * What gossip measured about one peer (cluster/peer-measurements.ts keeps it; the agent hands
 * it to checkers as `PeerLinkView`). Here so both layers share one shape.
 */
export interface PeerLink {
  name: string;
  rttSamples: number;
  /** Median round trip over the window; present when the measurements provide it. */
  p50RttMs?: number;
  p95RttMs?: number;
  /** Lost direct probes over a full window, 0..100. */
  lossPercent?: number;
  probesInWindow: number;
  /** Peer clock minus ours, RTT/2-corrected; undefined for peers that do not send their clock. */
  clockOffsetMs?: number;
}
