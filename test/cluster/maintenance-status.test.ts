import { describe, expect, test } from "bun:test";
import { clusterVerdict, type NodeFacts } from "../../src/cluster/cluster-status.ts";
import { ClusterView, type MemberInfo } from "../../src/cluster/cluster-view.ts";
import { digestOf, encodeDigestTags } from "../../src/cluster/health-digest.ts";
import { MaintenanceTable } from "../../src/cluster/maintenance-table.ts";
import type { MaintenanceWindow } from "../../src/cluster/maintenance-window.ts";
import type { NodeStatusJson } from "../../src/cluster/status-json.ts";

const NOW = Date.UTC(2026, 11, 1, 20, 0, 0);
const HOUR = 3600_000;

const node = (name: string, extra: Partial<NodeFacts> = {}): NodeFacts => ({ name, memberStatus: "alive", tags: { role: "node" }, nodeStatus: "running", runsSatellite: true, stale: false, ...extra });
const master = (name: string, extra: Partial<NodeFacts> = {}) => node(name, { tags: { role: "master" }, ...extra });
const failing = (checker: string, muted: boolean, severity: "critical" | "warning" = "critical") => ({ checker, severity, muted });

describe("clusterVerdict under maintenance", () => {
  const cases: { name: string; nodes: NodeFacts[]; status: string; summary: string }[] = [
    { name: "a muted failed node keeps the cluster healthy", nodes: [master("m1"), node("n1", { memberStatus: "failed", muted: true })], status: "running", summary: "" },
    { name: "an unmuted failed node does not", nodes: [master("m1"), node("n1", { memberStatus: "failed", muted: false })], status: "degraded", summary: "failed nodes: n1" },
    { name: "a muted degraded or silent node does not count", nodes: [master("m1"), node("n1", { nodeStatus: "degraded", muted: true }), node("n2", { nodeStatus: undefined, stale: true, muted: true })], status: "running", summary: "" },
    { name: "the only master rebooting under maintenance", nodes: [master("m1", { memberStatus: "failed", muted: true }), node("n1")], status: "running", summary: "" },
    { name: "a degraded node whose only failing check is muted", nodes: [master("m1"), node("n1", { nodeStatus: "degraded", failing: [failing("docker", true), failing("ntp", false, "warning")] })], status: "running", summary: "" },
    { name: "a degraded node with another failing check", nodes: [master("m1"), node("n1", { nodeStatus: "degraded", failing: [failing("docker", true), failing("etcd", false)] })], status: "degraded", summary: "degraded nodes: n1" },
    { name: "a degraded node whose failing checks are not known", nodes: [master("m1"), node("n1", { nodeStatus: "degraded", failing: undefined })], status: "degraded", summary: "degraded nodes: n1" },
  ];
  for (const c of cases) {
    test(c.name, () => {
      expect(clusterVerdict(c.nodes)).toEqual({ status: c.status as "running", summary: c.summary });
    });
  }
});

describe("ClusterView with maintenance windows", () => {
  const window = (extra: Partial<MaintenanceWindow>): MaintenanceWindow => ({ id: "0123456789abcdef", author: "m1", startedAtMs: NOW, untilMs: NOW + HOUR, reason: "kernel upgrade", ...extra });
  const member = (name: string, role: string, status: MemberInfo["status"], digest?: { status: "running" | "degraded"; failing?: string[] }): MemberInfo => ({
    name, addr: "10.0.0.1", port: 7946, status,
    tags: { role, ...(digest ? encodeDigestTags(digestOf(digest.status, (digest.failing ?? []).map((c) => ({ checker: c, status: "failed" as const }))), 300) : {}) },
  });
  function world(members: MemberInfo[]) {
    const table = new MaintenanceTable();
    const local: NodeStatusJson = { name: "m1", status: "running", probes: [{ checker: "docker", status: "running" }] };
    const view = new ClusterView({ localName: "m1", members: () => members, local: () => local, monotonicMs: () => 0, wallMs: () => NOW, stalenessLimitMs: 60_000, maintenance: table });
    return { table, view };
  }

  test("a muted failed node: the cluster stays healthy, and /status shows the node's real state with the marker", () => {
    const { table, view } = world([member("m1", "master", "alive", { status: "running" }), member("n1", "node", "failed", { status: "running" })]);
    expect(view.status().status).toBe("degraded");
    table.start(window({ node: "n1" }), NOW);
    const status = view.status();
    expect(status.status).toBe("running");
    const n1 = status.nodes?.find((n) => n.name === "n1");
    expect(n1?.status).toBe("degraded");
    expect(n1?.member_status?.status).toBe("failed");
    expect(n1?.maintenance).toEqual({ id: "0123456789abcdef", until: "2026-12-01T21:00:00.000000000Z", reason: "kernel upgrade", author: "m1" });
    expect(status.nodes?.find((n) => n.name === "m1")?.maintenance).toBeUndefined();
    expect(status.maintenance).toEqual([{ id: "0123456789abcdef", node: "n1", until: "2026-12-01T21:00:00.000000000Z", started_at: "2026-12-01T20:00:00.000000000Z", reason: "kernel upgrade", author: "m1" }]);
  });

  test("a check muted everywhere: the degraded node does not count, and its probe carries the marker", () => {
    const { table, view } = world([member("m1", "master", "alive", { status: "running" }), member("n1", "node", "alive", { status: "degraded", failing: ["docker"] })]);
    table.start(window({ check: "docker" }), NOW);
    const status = view.status();
    expect(status.status).toBe("running");
    const n1 = status.nodes?.find((n) => n.name === "n1");
    expect(n1?.status).toBe("degraded");
    expect(n1?.maintenance).toBeUndefined();
    expect(n1?.probes?.[0]?.maintenance?.id).toBe("0123456789abcdef");
    // The local node's probe of the same check is marked too.
    expect(status.nodes?.find((n) => n.name === "m1")?.probes?.[0]?.maintenance?.id).toBe("0123456789abcdef");
  });

  test("a check muted on another node only does not hide this one", () => {
    const { table, view } = world([member("m1", "master", "alive", { status: "running" }), member("n1", "node", "alive", { status: "degraded", failing: ["docker"] })]);
    table.start(window({ node: "n2", check: "docker" }), NOW);
    expect(view.status().summary).toBe("degraded nodes: n1");
  });

  test("when the window expires the node counts again", () => {
    const { table, view } = world([member("m1", "master", "alive", { status: "running" }), member("n1", "node", "failed", { status: "running" })]);
    table.start(window({ node: "n1" }), NOW);
    expect(view.status().status).toBe("running");
    table.expire(NOW + HOUR);
    expect(view.status()).toMatchObject({ status: "degraded", summary: "failed nodes: n1" });
    expect(view.status().maintenance).toEqual([]);
  });
});
