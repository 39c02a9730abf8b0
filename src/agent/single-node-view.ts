import { clusterVerdict } from "../cluster/cluster-status.ts";
import { rfc3339Nano, type ClusterStatusJson, type MemberStatusJson, type NodeStatusJson } from "../cluster/status-json.ts";
import type { Clock } from "../platform/clock.ts";
import type { NodeHealth } from "../probes/node-health.ts";
import type { TimelineEvent } from "../store/history-store.ts";

/** This node as its own status JSON. */
export function localNodeStatus(name: string, member: MemberStatusJson, health: NodeHealth): NodeStatusJson {
  const status = health.nodeStatus();
  return { name, node_name: name, member_status: member, status: status === "unknown" ? undefined : status, probes: health.probes() };
}

/**
 * The cluster as seen when gossip is not running: this node alone. Tracks the verdict so a
 * change becomes a ClusterDegraded / ClusterHealthy event.
 */
export function createSingleNodeView(clock: Clock, local: () => NodeStatusJson) {
  let last: "running" | "degraded" | undefined;
  const compute = (): ClusterStatusJson => {
    const node = local();
    const member = node.member_status;
    const verdict = clusterVerdict([
      { name: node.name, memberStatus: member?.status ?? "alive", tags: member?.tags ?? {}, nodeStatus: node.status, runsSatellite: true, stale: false },
    ]);
    return { status: verdict.status, nodes: [node], timestamp: rfc3339Nano(clock.nowMs()), summary: verdict.summary };
  };
  return {
    cluster: async () => compute(),
    /** Events for a change of the cluster verdict since the last call. */
    verdictEvents(atMs: number): TimelineEvent[] {
      const status = compute().status ?? "degraded";
      if (status === last) return [];
      const old = last;
      last = status;
      if (old === undefined && status === "running") return [];
      return [{ timestamp: atMs, type: status === "running" ? "ClusterHealthy" : "ClusterDegraded", oldState: old ?? "unknown", newState: status }];
    },
  };
}
