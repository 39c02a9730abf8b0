import { afterEach, describe, expect, test } from "bun:test";
import { AgentSim, type SimAgent } from "./agent-sim.ts";

let sim: AgentSim | undefined;
afterEach(async () => {
  await sim?.stopAll();
  sim = undefined;
});

/** One sample of `name` (with `labels` as written, e.g. `{direction="outbound"}`) from /metrics, or undefined. */
async function sample(agent: SimAgent, name: string, labels = ""): Promise<number | undefined> {
  const text = await (await agent.request("/metrics")).text();
  const line = text.split("\n").find((l) => l.startsWith(`${name}${labels} `));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(" ") + 1));
}

describe("/metrics: gossip counters and the process families", () => {
  test("push/pulls and suspicions move; process_* are exported", async () => {
    sim = new AgentSim(11);
    const s = sim;
    const [a, b] = [await s.start(0, "master"), await s.start(1, "node", [0]), await s.start(2, "node", [0])];
    const allSeeAll = () => s.running().every((x) => x.events.filter((e) => e.type === "NodeAdded").length === 3);
    expect(await s.advanceUntil(allSeeAll, 30_000)).toBeGreaterThanOrEqual(0);
    // node-0 was the seed of both joins; node-1 started its own join.
    expect(await sample(a, "satellite_gossip_push_pulls_total", '{direction="inbound"}')).toBeGreaterThanOrEqual(2);
    expect(await sample(b, "satellite_gossip_push_pulls_total", '{direction="outbound"}')).toBeGreaterThanOrEqual(1);
    expect(await sample(a, "satellite_gossip_suspicions_total")).toBe(0);

    await s.stop("node-2", false);
    const failSeen = () => [a, b].every((x) => x.events.some((e) => e.type === "NodeFailed" && e.node === "node-2"));
    expect(await s.advanceUntil(failSeen, 30_000)).toBeGreaterThanOrEqual(0);
    for (const x of [a, b]) expect(await sample(x, "satellite_gossip_suspicions_total")).toBe(1);

    for (const name of ["process_cpu_seconds_total", "process_resident_memory_bytes", "process_start_time_seconds", "process_open_fds"]) {
      const value = await sample(a, name);
      expect({ name, positive: value !== undefined && value > 0 }).toEqual({ name, positive: true });
    }
  });
});
