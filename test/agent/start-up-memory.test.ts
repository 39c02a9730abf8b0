import { afterEach, describe, expect, test } from "bun:test";
import type { AgentPlatform } from "../../src/agent/platform-deps.ts";
import { AgentSim } from "../sim/agent-sim.ts";

type ReleaseOutcome = ReturnType<NonNullable<AgentPlatform["releaseStartUpMemory"]>>;

/** Agents whose platform counts the calls to releaseStartUpMemory and answers with the agent's `outcomes`. */
class CountingSim extends AgentSim {
  releases = 0;
  readonly outcomes = new Map<string, () => ReleaseOutcome>();

  protected override equip(name: string, platform: AgentPlatform): AgentPlatform {
    return {
      ...platform,
      releaseStartUpMemory: () => {
        this.releases++;
        return this.outcomes.get(name)?.();
      },
    };
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

  test("what became of the code pages is logged, and a failed release is a warning, not a crash", async () => {
    sim = new CountingSim(9);
    sim.outcomes.set("node-0", async () => ({ dropped: true, ranges: 2, residentBytes: 36 * 1048576 }));
    sim.outcomes.set("node-1", () => Promise.reject(new Error("madvise exploded")));
    sim.outcomes.set("node-2", async () => ({ dropped: false, reason: "no C library to call madvise from" }));
    for (const index of [0, 1, 2]) await sim.start(index, "master");
    await sim.advanceUntil(() => sim!.releases === 3, 60_000, 1000);
    await sim.advanceUntil(() => false, 1000, 1000);
    expect(sim.get("node-0").logLines.find((l) => l.includes("start-up memory released"))).toContain("codePagesDroppedMiB=36.0 mappings=2");
    expect(sim.get("node-1").logLines.find((l) => l.includes("releasing start-up memory failed"))).toContain("madvise exploded");
    expect(sim.get("node-2").logLines.find((l) => l.includes("code pages kept"))).toContain("no C library");
    expect(sim.running().length).toBe(3);
  });
});
