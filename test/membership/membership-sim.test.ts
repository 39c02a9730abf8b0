import { describe, expect, test } from "bun:test";
import { MembershipSim } from "../sim/membership-cluster.ts";

describe("membership over the simulated network", () => {
  test("10 nodes joining one seed converge", async () => {
    const sim = new MembershipSim({ seed: 3 });
    await sim.startCluster(10);
    const names = [...sim.nodes.keys()];
    const took = await sim.advanceUntil(() => sim.converged(names), 10_000);
    expect(took).toBeGreaterThanOrEqual(0);
  });

  test("a killed node is declared dead by everyone", async () => {
    const sim = new MembershipSim({ seed: 4 });
    await sim.startCluster(10);
    const names = [...sim.nodes.keys()];
    expect(await sim.advanceUntil(() => sim.converged(names), 10_000)).toBeGreaterThanOrEqual(0);
    await sim.clock.advance(2000);
    const victim = sim.nodes.get("node-5")!;
    await victim.membership.shutdown();
    const rest = names.filter((n) => n !== "node-5");
    const took = await sim.advanceUntil(() => sim.converged(rest), 60_000);
    expect(took).toBeGreaterThan(0);
    for (const m of sim.live()) expect(m.membership.member("node-5")?.state).toBe("dead");
    console.log("detect ms", took);
  });
});
