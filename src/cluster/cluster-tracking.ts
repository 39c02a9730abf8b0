import { clusterVerdict } from "./cluster-status.ts";
import { ClusterTimeline, type TimelineNode } from "./cluster-timeline.ts";
import type { ClusterView } from "./cluster-view.ts";
import type { EventStream } from "../events/event-stream.ts";

/**
 * Looks at the cluster view after every change (member event, this node's health change,
 * periodic tick) and publishes the timeline events it causes: NodeAdded, NodeRemoved,
 * NodeDegraded / NodeHealthy of other members, ClusterDegraded / ClusterHealthy.
 */
export function createClusterTracking(localName: string, view: ClusterView, events: Pick<EventStream, "publish">) {
  const timeline = new ClusterTimeline(localName);
  return {
    refresh(atMs: number): void {
      const facts = view.facts();
      const nodes: TimelineNode[] = facts.map((f) => ({
        name: f.name,
        memberStatus: f.memberStatus,
        health: f.memberStatus === "failed" ? "degraded" : f.nodeStatus === "degraded" ? "degraded" : f.nodeStatus === "running" ? "running" : undefined,
      }));
      for (const change of timeline.update(nodes, clusterVerdict(facts).status, atMs)) events.publish(change);
    },
  };
}
