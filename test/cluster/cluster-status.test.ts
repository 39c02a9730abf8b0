import { describe, expect, test } from "bun:test";
import { clusterVerdict, type NodeFacts } from "../../src/cluster/cluster-status.ts";

const node = (name: string, extra: Partial<NodeFacts> = {}): NodeFacts => ({
  name, memberStatus: "alive", tags: { role: "node" }, nodeStatus: "running", runsSatellite: true, stale: false, ...extra,
});
const master = (name: string, extra: Partial<NodeFacts> = {}) => node(name, { tags: { role: "master" }, ...extra });

describe("clusterVerdict", () => {
  const cases: { name: string; nodes: NodeFacts[]; status: string; summary: string }[] = [
    { name: "all healthy", nodes: [master("m1"), node("n1")], status: "running", summary: "" },
    { name: "no master at all", nodes: [node("n1")], status: "degraded", summary: "master node unavailable" },
    { name: "master failed", nodes: [master("m1", { memberStatus: "failed" }), node("n1")], status: "degraded", summary: "master node unavailable; failed nodes: m1" },
    { name: "a second master keeps it up", nodes: [master("m1", { memberStatus: "failed" }), master("m2")], status: "degraded", summary: "failed nodes: m1" },
    { name: "a degraded node", nodes: [master("m1"), node("n1", { nodeStatus: "degraded" })], status: "degraded", summary: "degraded nodes: n1" },
    { name: "no status yet", nodes: [master("m1"), node("n1", { nodeStatus: undefined, stale: true }), node("n2", { nodeStatus: undefined, stale: true }), node("n3", { nodeStatus: undefined })], status: "degraded", summary: "no status received from nodes (n1, n2)" },
    { name: "left members are ignored", nodes: [master("m1"), node("n1", { memberStatus: "left", nodeStatus: undefined })], status: "running", summary: "" },
    { name: "a plain serf peer without status does not degrade", nodes: [master("m1"), node("serf1", { runsSatellite: false, nodeStatus: undefined })], status: "running", summary: "" },
    { name: "a plain serf peer that failed does", nodes: [master("m1"), node("serf1", { runsSatellite: false, memberStatus: "failed" })], status: "degraded", summary: "failed nodes: serf1" },
    { name: "a master that is leaving is not available", nodes: [master("m1", { memberStatus: "leaving" }), node("n1")], status: "degraded", summary: "master node unavailable" },
  ];
  for (const c of cases) {
    test(c.name, () => {
      expect(clusterVerdict(c.nodes)).toEqual({ status: c.status as "running", summary: c.summary });
    });
  }
});
