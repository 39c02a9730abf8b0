import type { NodeStatus, Probe } from "../events/health-state.ts";

/** The original agent's status JSON (snake_case, lowercase enums, empty fields omitted). */

export type MemberState = "alive" | "leaving" | "left" | "failed";

export interface MemberStatusJson {
  name: string;
  node_name: string;
  addr: string;
  status: MemberState;
  tags: Record<string, string>;
}

export interface NodeStatusJson {
  name: string;
  node_name?: string;
  member_status?: MemberStatusJson;
  /** Omitted when unknown. */
  status?: Exclude<NodeStatus, "unknown">;
  probes?: ProbeJson[];
  /** Present while a maintenance window mutes the node: its real status stays above, but it does not count. */
  maintenance?: MaintenanceMarkerJson;
  /**
   * RFC 3339: when these probes were last known to be the node's current ones (the node's own:
   * now; another node's: when its list last arrived or was confirmed over gossip).
   */
  reported_at?: string;
  /** `?details` only: what the node measures toward each peer. */
  peers?: PeerLinkJson[];
  /** `?details` only: the latest numbers its checks reported. */
  metrics?: ProbeMetricJson[];
}

/** A probe, marked while a maintenance window mutes its check on its node. */
export interface ProbeJson extends Probe {
  maintenance?: MaintenanceMarkerJson;
}

/** The window muting a node or a probe. */
export interface MaintenanceMarkerJson {
  id: string;
  /** RFC 3339: when it ends by itself. */
  until: string;
  reason?: string;
  /** The node that started it. */
  author: string;
}

/** An active maintenance window (`maintenance` of the cluster status, `GET /maintenance`). */
export interface MaintenanceWindowJson extends MaintenanceMarkerJson {
  /** The muted node, or the node whose check is muted. */
  node?: string;
  /** The muted check; without `node`, on every node. */
  check?: string;
  /** RFC 3339. */
  started_at: string;
}

export interface PeerLinkJson {
  name: string;
  rtt_samples: number;
  rtt_p50_ms?: number;
  rtt_p95_ms?: number;
  loss_percent?: number;
  clock_offset_ms?: number;
}

export interface ProbeMetricJson {
  probe: string;
  name: string;
  value: number;
}

export interface ClusterStatusJson {
  /** Omitted when unknown. */
  status?: Exclude<NodeStatus, "unknown">;
  nodes?: NodeStatusJson[];
  /** RFC 3339 with nanoseconds. */
  timestamp: string;
  summary?: string;
  /** Active maintenance windows, soonest end first. */
  maintenance?: MaintenanceWindowJson[];
}

/** "2016-03-03T12:19:44.757000000Z": Go's RFC3339Nano as the original printed it. */
export function rfc3339Nano(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 19)}.${iso.slice(20, 23)}000000Z`;
}

/**
 * Drops undefined, empty strings, empty arrays and empty objects, recursively, as the original's
 * omitempty did. Runs on every /status render (about 5,000 probes at 200 nodes): no entry arrays,
 * and scalars are not recursed into.
 */
export function omitEmpty<T>(value: T): T {
  if (Array.isArray(value)) return value.map(omitEmpty) as T;
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  const source = value as Record<string, unknown>;
  for (const key of Object.keys(source)) {
    const v = source[key];
    if (v === undefined || v === "") continue;
    if (typeof v !== "object" || v === null) {
      out[key] = v;
      continue;
    }
    const cleaned = omitEmpty(v);
    if (Array.isArray(cleaned) ? cleaned.length === 0 : !hasOwnKey(cleaned)) continue;
    out[key] = cleaned;
  }
  return out as T;
}

/** True when the object (a fresh copy made by omitEmpty: no inherited keys) has any key. */
function hasOwnKey(value: object): boolean {
  for (const _ in value) return true;
  return false;
}
