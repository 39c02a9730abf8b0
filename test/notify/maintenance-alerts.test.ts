import { describe, expect, test } from "bun:test";
import type { ObservedAlert } from "../../src/notify/alert-state.ts";
import type { ClusterSnapshot, SnapshotNode } from "../../src/notify/cluster-snapshot.ts";
import { observeAlerts } from "../../src/notify/observe-alerts.ts";
import { planNotifications } from "../../src/notify/plan-notifications.ts";

const running = { status: "running" as const, summary: "" };
const snapshot = (nodes: SnapshotNode[]): ClusterSnapshot => ({ localName: "m1", verdict: running, nodes: [{ name: "m1", memberStatus: "alive", tags: { role: "master" }, status: "running", failing: [] }, ...nodes] });
/** What a notifier that has sent nothing yet would send for this look. */
const due = (observed: ReadonlyMap<string, ObservedAlert>) =>
  planNotifications({ notifier: "hook", observed, notified: new Map(), queued: [], nowMs: 0, repeatIntervalMs: 3_600_000, accepts: () => true, include: "all" }).map((n) => `${n.change} ${n.alert.subject}`);

describe("notifications under maintenance", () => {
  test("a muted node that fails notifies nobody; still failed when the window ends, it is notified then", () => {
    const healthy = observeAlerts(snapshot([{ name: "n1", memberStatus: "alive", tags: {}, status: "running", failing: [] }]), new Map(), 0);
    const rebooting = observeAlerts(snapshot([{ name: "n1", memberStatus: "failed", tags: {}, muted: true }]), healthy, 1000);
    expect(rebooting.get("node/n1")?.state).toBe("running");
    expect(due(rebooting)).toEqual([]);
    const afterWindow = observeAlerts(snapshot([{ name: "n1", memberStatus: "failed", tags: {} }]), rebooting, 2000);
    expect(due(afterWindow)).toEqual(["NodeFailed node/n1"]);
  });

  test("a muted check that fails notifies nobody; another failing check of the same node still does", () => {
    const failingChecks = [{ checker: "docker", severity: "critical" as const, muted: true }, { checker: "etcd", severity: "critical" as const }];
    const look = observeAlerts(snapshot([{ name: "n1", memberStatus: "alive", tags: {}, status: "degraded", failing: failingChecks }]), new Map(), 0);
    expect(look.get("probe/n1/docker")).toBeUndefined();
    expect(due(look).sort()).toEqual(["NodeDegraded node/n1", "ProbeFailed probe/n1/etcd"]);
    const afterWindow = observeAlerts(snapshot([{ name: "n1", memberStatus: "alive", tags: {}, status: "degraded", failing: failingChecks.map((c) => ({ ...c, muted: false })) }]), look, 1000);
    expect(due(afterWindow)).toContain("ProbeFailed probe/n1/docker");
  });

  test("a node degraded only by a muted check is not notified degraded", () => {
    const look = observeAlerts(snapshot([{ name: "n1", memberStatus: "alive", tags: {}, status: "degraded", failing: [{ checker: "docker", severity: "critical", muted: true }] }]), new Map(), 0);
    expect(due(look)).toEqual([]);
  });

  test("a check that recovers while muted is not notified failed after the window", () => {
    const look = observeAlerts(snapshot([{ name: "n1", memberStatus: "alive", tags: {}, status: "degraded", failing: [{ checker: "docker", severity: "critical", muted: true }] }]), new Map(), 0);
    const recovered = observeAlerts(snapshot([{ name: "n1", memberStatus: "alive", tags: {}, status: "running", failing: [] }]), look, 1000);
    expect(due(recovered)).toEqual([]);
  });
});
