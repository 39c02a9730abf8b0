import { describe, expect, test } from "bun:test";
import { SerfSim } from "../sim/serf-cluster.ts";

describe("serf over the simulated network", () => {
  test("20 nodes converge with tags", async () => {
    const sim = new SerfSim({ seed: 11 });
    await sim.startCluster(20);
    const took = await sim.advanceUntil(() => sim.converged(), 20_000);
    expect(took).toBeGreaterThanOrEqual(0);
    const view = sim.nodes.get("node-7")!.serf.members();
    expect(view.find((m) => m.name === "node-0")?.tags).toEqual({ role: "master" });
    console.log("join converge ms", took);
  });
});
