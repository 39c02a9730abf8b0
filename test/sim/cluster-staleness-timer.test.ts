import { describe, expect, test } from "bun:test";
import { ClusterView, type MemberInfo } from "../../src/cluster/cluster-view.ts";
import { digestOf, encodeDigestTags } from "../../src/cluster/health-digest.ts";
import { HealthSim } from "./health-cluster.ts";

const STALENESS_LIMIT_MS = 60_000;

describe("the cluster view's staleness deadline", () => {
  test("nextStaleAtMs: the earliest moment a member that has not reported becomes stale; none once all reported", () => {
    const state = { now: 0, members: [] as MemberInfo[] };
    const view = new ClusterView({
      localName: "m1",
      members: () => state.members,
      local: () => ({ name: "m1", status: "running", probes: [] }),
      monotonicMs: () => state.now,
      wallMs: () => state.now,
      stalenessLimitMs: STALENESS_LIMIT_MS,
    });
    const member = (name: string, status: "running" | "unknown"): MemberInfo => ({ name, addr: "10.0.0.1", port: 7946, status: "alive", tags: { role: "node", ...encodeDigestTags(digestOf(status, []), 300) } });
    state.members = [member("m1", "running"), member("n1", "unknown")];
    view.facts();
    state.now = 5_000;
    state.members = [...state.members, member("n2", "unknown")];
    view.facts();
    expect(view.nextStaleAtMs()).toBe(STALENESS_LIMIT_MS);
    state.members = [member("m1", "running"), member("n1", "running"), member("n2", "unknown")];
    view.facts();
    expect(view.nextStaleAtMs()).toBe(5_000 + STALENESS_LIMIT_MS);
    state.now = 5_000 + STALENESS_LIMIT_MS;
    view.facts();
    expect(view.nextStaleAtMs()).toBeUndefined();
  });

  test("a node that never reports degrades the cluster at the staleness limit with no periodic look", async () => {
    const sim = new HealthSim(21);
    sim.add(0, "master");
    const silent = sim.add(1, "node");
    silent.health = { status: "unknown", probes: [] };
    void silent.member.serf.join([{ ip: HealthSim.ipOf(0), port: 7946 }]).catch(() => {});
    // The clock alone moves: no tick() as an agent no longer calls one.
    await sim.clock.advance(STALENESS_LIMIT_MS - 5_000);
    const degraded = () => sim.nodes.get("node-0")!.events.filter((e) => e.type === "ClusterDegraded");
    expect(degraded()).toEqual([]);
    await sim.clock.advance(10_000);
    expect(degraded()).toHaveLength(1);
    expect(sim.statusOn("node-0").summary).toBe("no status received from nodes (node-1)");
  });
});
