import { describe, expect, test } from "bun:test";
import { ClusterView, type MemberInfo } from "../../src/cluster/cluster-view.ts";
import { digestOf, encodeDigestTags } from "../../src/cluster/health-digest.ts";
import type { NodeStatusJson } from "../../src/cluster/status-json.ts";

const member = (name: string, role: string, status: MemberInfo["status"], digest: "running" | "unknown"): MemberInfo => ({
  name,
  addr: "10.0.0.1",
  port: 7946,
  status,
  tags: { role, ...encodeDigestTags(digestOf(digest, []), 300) },
});

describe("a node starting up, as other nodes see it", () => {
  test("a restarted node reporting unknown is shown without a status and counts only after the staleness limit from its return", () => {
    const state = { now: 0, members: [] as MemberInfo[] };
    const local: NodeStatusJson = { name: "m1", status: "running", probes: [] };
    const view = new ClusterView({ localName: "m1", members: () => state.members, local: () => local, monotonicMs: () => state.now, wallMs: () => state.now, stalenessLimitMs: 60_000 });
    state.members = [member("m1", "master", "alive", "running"), member("n1", "node", "alive", "running")];
    expect(view.status().status).toBe("running");
    state.now = 100_000;
    state.members = [member("m1", "master", "alive", "running"), member("n1", "node", "failed", "running")];
    expect(view.status().summary).toBe("failed nodes: n1");
    // It comes back and runs its first checks: unknown, not held against the cluster yet.
    state.now = 200_000;
    state.members = [member("m1", "master", "alive", "running"), member("n1", "node", "alive", "unknown")];
    const back = view.status();
    expect(back.status).toBe("running");
    expect(back.nodes?.find((n) => n.name === "n1")?.status).toBeUndefined();
    state.now = 261_000;
    expect(view.status().summary).toBe("no status received from nodes (n1)");
  });
});
