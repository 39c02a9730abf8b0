import { afterEach, describe, expect, test } from "bun:test";
import type { AgentPlatform } from "../../src/agent/platform-deps.ts";
import { AgentSim } from "../sim/agent-sim.ts";

/** Agents whose platform counts the calls to releaseStartUpMemory. */
class CountingSim extends AgentSim {
  releases = 0;

  protected override equip(_name: string, platform: AgentPlatform): AgentPlatform {
    return { ...platform, releaseStartUpMemory: () => void this.releases++ };
  }
}

let sim: CountingSim | undefined;
afterEach(async () => {
  await sim?.stopAll();
  sim = undefined;
});

describe("memory start-up leaves behind", () => {
  test("is released once, when start-up has settled, and not before", async () => {
    sim = new CountingSim(7);
    await sim.start(0, "master");
    expect(await sim.advanceUntil(() => sim!.releases > 0, 14_000)).toBe(-1);
    // Settled at 15 s; a quiet membership since the start, plus at most the spread of 10 s.
    expect(await sim.advanceUntil(() => sim!.releases > 0, 12_000)).toBeGreaterThanOrEqual(0);
    await sim.advanceUntil(() => false, 60_000, 1000);
    expect(sim.releases).toBe(1);
  });

  test("is not released by an agent that stopped before start-up settled", async () => {
    sim = new CountingSim(8);
    await sim.start(0, "master");
    await sim.stop("node-0", false);
    await sim.advanceUntil(() => false, 30_000, 1000);
    expect(sim.releases).toBe(0);
  });
});
