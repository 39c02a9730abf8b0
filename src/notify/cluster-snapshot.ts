/**
 * What notifiers read of the cluster: every member as this node's gossip view shows it, and
 * the cluster's verdict. The agent builds it from the cluster view and this node's own probes.
 */
export interface SnapshotNode {
  name: string;
  memberStatus: "alive" | "leaving" | "left" | "failed";
  /** The operator's tags. */
  tags: Readonly<Record<string, string>>;
  /** The node's own status; undefined while unknown (it has not reported one yet). */
  status?: "running" | "degraded";
  /** Its failing checks; undefined while unknown. Remote nodes' errors are absent unless known; `muted`: under a maintenance window. */
  failing?: readonly { checker: string; severity: "critical" | "warning"; error?: string; muted?: boolean }[];
  /** Under a maintenance window: its alerts keep the state they had (docs/maintenance.md). */
  muted?: boolean;
}

export interface ClusterSnapshot {
  localName: string;
  nodes: readonly SnapshotNode[];
  verdict: { status: "running" | "degraded"; summary: string };
}

/** A member as sender election reads it: its gossip status and raw tags. */
export interface ElectionMember {
  name: string;
  status: "alive" | "leaving" | "left" | "failed";
  tags: Readonly<Record<string, string>>;
}
