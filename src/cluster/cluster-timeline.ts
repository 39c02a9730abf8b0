import type { ClusterStatusEvent, NodeHealthEvent, NodeMemberEvent } from "../events/agent-event.ts";
import type { MemberState } from "./status-json.ts";

/** What one look at the cluster can publish; `ts` is when the look was taken. */
export type ClusterChange = (NodeMemberEvent | NodeHealthEvent | ClusterStatusEvent) & { ts: number };

/** One member as the timeline compares it between two looks at the cluster. */
export interface TimelineNode {
  name: string;
  memberStatus: MemberState;
  /** running / degraded as the cluster sees it (a failed member is degraded); undefined before its first status. */
  health?: "running" | "degraded";
}

/**
 * Turns successive looks at the cluster into timeline events: NodeAdded, NodeRemoved,
 * NodeDegraded, NodeHealthy for every member, ClusterDegraded / ClusterHealthy for the whole.
 * The local node's own NodeDegraded/NodeHealthy come from its probes (NodeHealth), not from here.
 */
export class ClusterTimeline {
  private nodes = new Map<string, TimelineNode>();
  private verdict: "running" | "degraded" | undefined;

  constructor(private readonly localName: string) {}

  update(nodes: readonly TimelineNode[], verdict: "running" | "degraded", atMs: number): ClusterChange[] {
    const events: ClusterChange[] = [];
    const next = new Map(nodes.filter((n) => n.memberStatus !== "left").map((n) => [n.name, n]));
    for (const [name, node] of next) {
      const before = this.nodes.get(name);
      if (!before) {
        events.push({ ts: atMs, type: "NodeAdded", node: name, newState: node.memberStatus });
        if (node.health === "degraded" && name !== this.localName) events.push({ ts: atMs, type: "NodeDegraded", node: name, newState: "degraded" });
        continue;
      }
      if (name === this.localName || node.health === undefined || before.health === node.health) continue;
      if (before.health === undefined && node.health === "running") continue;
      events.push({
        ts: atMs,
        type: node.health === "degraded" ? "NodeDegraded" : "NodeHealthy",
        node: name,
        oldState: before.health ?? "unknown",
        newState: node.health,
      });
    }
    for (const [name, before] of this.nodes) {
      if (next.has(name)) continue;
      const now = nodes.find((n) => n.name === name);
      events.push({ ts: atMs, type: "NodeRemoved", node: name, oldState: before.memberStatus, newState: now?.memberStatus ?? "reaped" });
    }
    this.nodes = new Map([...next].map(([name, node]) => [name, { ...node, health: node.health ?? this.nodes.get(name)?.health }]));
    if (verdict !== this.verdict) {
      const old = this.verdict;
      this.verdict = verdict;
      if (!(old === undefined && verdict === "running")) {
        events.push({ ts: atMs, type: verdict === "degraded" ? "ClusterDegraded" : "ClusterHealthy", oldState: old ?? "unknown", newState: verdict });
      }
    }
    return events;
  }
}
