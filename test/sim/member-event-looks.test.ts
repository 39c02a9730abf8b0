import { describe, expect, test } from "bun:test";
import { HealthSim, type HealthSimNode } from "./health-cluster.ts";

/** When node-0 published NodeAdded for each node (one look publishes all its events at one timestamp). */
/** Advances without the tick HealthSim.advanceUntil adds: the agent looks only after events and deadlines. */
async function advanceUntil(sim: HealthSim, cond: () => boolean, limitMs: number): Promise<boolean> {
  for (let t = 0; t < limitMs; t += 10) {
    if (cond()) return true;
    await sim.clock.advance(10);
  }
  return cond();
}

function addedAt(node: HealthSimNode): Map<string, number> {
  return new Map(node.events.filter((e) => e.type === "NodeAdded" && e.node !== undefined).map((e) => [e.node as string, e.timestamp]));
}

describe("the cluster view's looks after member events (simulation)", () => {
  test("a join burst is looked at about once a second; a lone join after it within 250 ms", async () => {
    const sim = new HealthSim(11);
    await sim.startCluster(2);
    const seed = sim.nodes.get("node-0")!;
    expect(await advanceUntil(sim, () => addedAt(seed).has("node-1"), 10_000)).toBe(true);

    // 30 joins, one every 100 ms, for 3 s.
    const burst = Array.from({ length: 30 }, (_, i) => i + 2);
    for (const i of burst) {
      void sim.add(i, "node").member.serf.join([{ ip: HealthSim.ipOf(0), port: 7946 }]).catch(() => {});
      await advanceUntil(sim, () => false, 100);
    }
    expect(await advanceUntil(sim, () => burst.every((i) => addedAt(seed).has(`node-${i}`)), 10_000)).toBe(true);
    const looks = new Set(burst.map((i) => addedAt(seed).get(`node-${i}`)));
    // A look every 250 ms would take 12 or more.
    expect(looks.size).toBeLessThanOrEqual(6);

    await advanceUntil(sim, () => false, 5_000);
    const joinedAt = sim.clock.nowMs();
    void sim.add(40, "node").member.serf.join([{ ip: HealthSim.ipOf(0), port: 7946 }]).catch(() => {});
    expect(await advanceUntil(sim, () => addedAt(seed).has("node-40"), 10_000)).toBe(true);
    expect((addedAt(seed).get("node-40") as number) - joinedAt).toBeLessThan(500);
  });
});
