import type { NodeStatus, Severity } from "../events/health-state.ts";
import type { MemberState } from "./status-json.ts";

/** What the status rules need to know about one member. */
export interface NodeFacts {
  name: string;
  memberStatus: MemberState;
  /** Shared with the view's cache: read only. */
  tags: Readonly<Record<string, string>>;
  /** The node's own status from its latest digest; undefined when none arrived. */
  nodeStatus?: NodeStatus;
  /** True when the member runs Satellite (advertises it in its tags), so a digest is expected. */
  runsSatellite: boolean;
  /** True when it runs Satellite but has reported no status for longer than the staleness limit. */
  stale: boolean;
  /** Under a maintenance window (docs/maintenance.md): its failure, silence or degradation does not count. */
  muted?: boolean;
  /**
   * Its failing checks, when known, each marked when a maintenance window mutes it; a degraded
   * node whose failing critical checks are all muted does not count. Undefined: not known.
   */
  failing?: readonly FailingCheckFact[];
}

export interface FailingCheckFact {
  checker: string;
  severity: Severity;
  muted: boolean;
}

export interface ClusterVerdict {
  status: "running" | "degraded";
  /** Human summary of every reason, "; "-separated; empty when running. */
  summary: string;
}

/**
 * The cluster status rules, in order of the summary:
 * - no alive member with role=master -> "master node unavailable";
 * - failed members -> "failed nodes: a, b";
 * - degraded nodes -> "degraded nodes: a";
 * - alive Satellite members that reported no status within the staleness limit ->
 *   "no status received from nodes (a, b)"; before the limit passes a new member is not counted.
 * Members that left are ignored. A member that does not run Satellite (a plain serf peer)
 * counts for its membership only: it never degrades the cluster by missing a status.
 * Maintenance: a muted node counts for none of these (a muted master still counts as a master,
 * so rebooting the only one pages nobody), and a degraded node counts only for failing
 * critical checks that are not muted.
 */
export function clusterVerdict(nodes: readonly NodeFacts[]): ClusterVerdict {
  const reasons: string[] = [];
  const current = nodes.filter((n) => n.memberStatus !== "left");
  if (!current.some((n) => (n.memberStatus === "alive" || n.muted === true) && n.tags.role === "master")) reasons.push("master node unavailable");
  const counted = current.filter((n) => n.muted !== true);
  const failed = counted.filter((n) => n.memberStatus === "failed").map((n) => n.name);
  if (failed.length > 0) reasons.push(`failed nodes: ${failed.join(", ")}`);
  const alive = counted.filter((n) => n.memberStatus === "alive" || n.memberStatus === "leaving");
  const degraded = alive.filter((n) => n.nodeStatus === "degraded" && !onlyMutedChecksFail(n)).map((n) => n.name);
  if (degraded.length > 0) reasons.push(`degraded nodes: ${degraded.join(", ")}`);
  const silent = alive.filter((n) => n.runsSatellite && n.stale).map((n) => n.name);
  if (silent.length > 0) reasons.push(`no status received from nodes (${silent.join(", ")})`);
  return { status: reasons.length === 0 ? "running" : "degraded", summary: reasons.join("; ") };
}

/** True when the node's failing critical checks are known and every one is muted. */
function onlyMutedChecksFail(node: NodeFacts): boolean {
  if (node.failing === undefined) return false;
  const critical = node.failing.filter((f) => f.severity !== "warning");
  return critical.length > 0 && critical.every((f) => f.muted);
}
