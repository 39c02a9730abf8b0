import { clusterVerdict } from "./cluster-status.ts";
import { ClusterTimeline, type TimelineNode } from "./cluster-timeline.ts";
import type { ClusterView } from "./cluster-view.ts";
import type { Logger } from "../platform/logger.ts";
import type { TimelineEvent } from "../store/history-store.ts";

/**
 * Looks at the cluster view after every change (member event, probe report, periodic tick)
 * and hands the timeline events it causes to `record`.
 */
export function createClusterTracking(localName: string, view: ClusterView, logger: Logger, record: (events: TimelineEvent[]) => void) {
  const timeline = new ClusterTimeline(localName);
  return {
    /** Timeline events since the last look; already logged, and recorded unless `collect` keeps them. */
    refresh(atMs: number, collect?: TimelineEvent[]): void {
      const facts = view.facts();
      const nodes: TimelineNode[] = facts.map((f) => ({
        name: f.name,
        memberStatus: f.memberStatus,
        health: f.memberStatus === "failed" ? "degraded" : f.nodeStatus === "degraded" ? "degraded" : f.nodeStatus === "running" ? "running" : undefined,
      }));
      const events = timeline.update(nodes, clusterVerdict(facts).status, atMs);
      if (events.length === 0) return;
      for (const e of events) logger.info("cluster change", { type: e.type, node: e.node, state: e.newState });
      if (collect) collect.push(...events);
      else record(events);
    },
  };
}
