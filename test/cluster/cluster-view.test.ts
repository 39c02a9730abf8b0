import { describe, expect, test } from "bun:test";
import { ClusterTimeline } from "../../src/cluster/cluster-timeline.ts";
import { ClusterView, type MemberInfo } from "../../src/cluster/cluster-view.ts";
import { digestOf, encodeDigestTags } from "../../src/cluster/health-digest.ts";
import type { NodeStatusJson } from "../../src/cluster/status-json.ts";

function world() {
  const state = { now: 0, members: [] as MemberInfo[], local: { name: "m1", status: "running", probes: [] } as NodeStatusJson };
  const view = new ClusterView({
    localName: "m1",
    members: () => state.members,
    local: () => state.local,
    monotonicMs: () => state.now,
    wallMs: () => Date.UTC(2026, 0, 1) + state.now,
    stalenessLimitMs: 60_000,
  });
  const member = (name: string, role: string, extra: Partial<MemberInfo> = {}, digest?: { status: "running" | "degraded" | "unknown"; failing?: string[] }): MemberInfo => ({
    name, addr: "10.0.0.1", port: 7946, status: "alive",
    tags: { role, ...(digest ? encodeDigestTags(digestOf(digest.status, (digest.failing ?? []).map((c) => ({ checker: c, status: "failed" as const }))), 300) : {}) },
    ...extra,
  });
  return { state, view, member };
}

describe("ClusterView", () => {
  test("every node appears with its member status; remote probes come from digests", () => {
    const { state, view, member } = world();
    state.members = [member("m1", "master", {}, { status: "running" }), member("n1", "node", {}, { status: "degraded", failing: ["docker"] })];
    const status = view.status();
    expect(status.status).toBe("degraded");
    expect(status.summary).toBe("degraded nodes: n1");
    expect(status.nodes?.[1]).toEqual({
      name: "n1", node_name: "n1", status: "degraded", probes: [{ checker: "docker", status: "failed" }],
      member_status: { name: "n1", node_name: "n1", addr: "10.0.0.1:7946", status: "alive", tags: { role: "node" } },
    });
  });

  test("a Satellite member without a status counts only after the staleness limit; a serf peer never", () => {
    const { state, view, member } = world();
    state.members = [member("m1", "master", {}, { status: "running" }), member("n1", "node", {}, { status: "unknown" }), member("serf-peer", "node")];
    expect(view.status().status).toBe("running");
    state.now = 61_000;
    expect(view.status().summary).toBe("no status received from nodes (n1)");
  });

  test("a member's current tags are its status, also when it restarted and published from scratch", () => {
    const { state, view, member } = world();
    state.members = [member("m1", "master", {}, { status: "running" }), member("n1", "node", {}, { status: "degraded", failing: ["docker"] })];
    expect(view.status().status).toBe("degraded");
    state.members = [state.members[0] as MemberInfo, member("n1", "node", {}, { status: "unknown" })];
    expect(view.status().nodes?.[1]?.status).toBeUndefined();
    state.members = [state.members[0] as MemberInfo, member("n1", "node", {}, { status: "running" })];
    expect(view.status().status).toBe("running");
  });

  test("a failed master", () => {
    const { state, view, member } = world();
    state.local = { name: "n1", status: "running" };
    state.members = [member("m1", "master", { status: "failed" }, { status: "running" }), member("n1", "node", {}, { status: "running" })];
    const view2 = new ClusterView({ localName: "n1", members: () => state.members, local: () => state.local, monotonicMs: () => 0, wallMs: () => 0, stalenessLimitMs: 1 });
    const status = view2.status();
    expect(status.summary).toBe("master node unavailable; failed nodes: m1");
    expect(status.nodes?.[0]?.status).toBe("degraded");
    void view;
  });
});

describe("ClusterTimeline", () => {
  test("records added, degraded, healthy, removed and the cluster verdict", () => {
    const t = new ClusterTimeline("m1");
    const types = (events: { type: string; node?: string }[]) => events.map((e) => `${e.type}${e.node ? `:${e.node}` : ""}`);
    expect(types(t.update([{ name: "m1", memberStatus: "alive", health: "running" }], "running", 1))).toEqual(["NodeAdded:m1"]);
    expect(types(t.update([{ name: "m1", memberStatus: "alive", health: "running" }, { name: "n1", memberStatus: "alive" }], "running", 2))).toEqual(["NodeAdded:n1"]);
    expect(types(t.update([{ name: "m1", memberStatus: "alive", health: "running" }, { name: "n1", memberStatus: "alive", health: "running" }], "running", 3))).toEqual([]);
    expect(types(t.update([{ name: "m1", memberStatus: "alive", health: "running" }, { name: "n1", memberStatus: "failed", health: "degraded" }], "degraded", 4))).toEqual(["NodeDegraded:n1", "ClusterDegraded"]);
    expect(types(t.update([{ name: "m1", memberStatus: "alive", health: "running" }, { name: "n1", memberStatus: "alive", health: "running" }], "running", 5))).toEqual(["NodeHealthy:n1", "ClusterHealthy"]);
    expect(types(t.update([{ name: "m1", memberStatus: "alive", health: "running" }, { name: "n1", memberStatus: "left" }], "running", 6))).toEqual(["NodeRemoved:n1"]);
    expect(types(t.update([{ name: "m1", memberStatus: "alive", health: "degraded" }], "degraded", 7))).toEqual(["ClusterDegraded"]);
  });
});
