import { describe, expect, test } from "bun:test";
import { MembershipSim } from "../sim/membership-cluster.ts";

describe("membership counters (read by /metrics)", () => {
  test("push/pulls are counted by direction: joins are outbound on the joiner and inbound on the seed", async () => {
    const sim = new MembershipSim({ seed: 9, configure: (c) => ({ ...c, joinSyncDelaysMs: [] }) });
    await sim.startCluster(3);
    expect(await sim.advanceUntil(() => sim.converged([...sim.nodes.keys()]), 5_000)).toBeGreaterThanOrEqual(0);
    const pushPulls = (name: string) => sim.nodes.get(name)!.membership.health().pushPulls;
    expect(pushPulls("node-0")).toEqual({ outbound: 0, inbound: 2 });
    expect(pushPulls("node-1")).toEqual({ outbound: 1, inbound: 0 });
    expect(pushPulls("node-2")).toEqual({ outbound: 1, inbound: 0 });
    // The periodic exchanges (one per node per interval) add one outbound and one inbound each.
    await sim.clock.advance(60_000 - sim.clock.monotonicMs());
    const total = (direction: "outbound" | "inbound") => sim.live().reduce((sum, m) => sum + m.membership.health().pushPulls[direction], 0);
    expect(total("outbound")).toBe(2 + 3);
    expect(total("inbound")).toBe(2 + 3);
  });

  test("every member that starts suspecting a killed node counts one suspicion, once", async () => {
    const sim = new MembershipSim({ seed: 4 });
    await sim.startCluster(5);
    const names = [...sim.nodes.keys()];
    expect(await sim.advanceUntil(() => sim.converged(names), 10_000)).toBeGreaterThanOrEqual(0);
    expect(sim.live().map((m) => m.membership.health().suspicionsStarted)).toEqual([0, 0, 0, 0, 0]);
    await sim.nodes.get("node-4")!.membership.shutdown();
    const rest = names.filter((n) => n !== "node-4");
    expect(await sim.advanceUntil(() => sim.converged(rest), 60_000)).toBeGreaterThan(0);
    const counts = sim.live().map((m) => m.membership.health().suspicionsStarted);
    // Each survivor marked node-4 suspect once, from its own probe or from gossip.
    expect(counts).toEqual([1, 1, 1, 1]);
  });
});
