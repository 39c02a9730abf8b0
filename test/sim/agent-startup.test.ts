import { afterEach, describe, expect, test } from "bun:test";
import { AgentSim } from "./agent-sim.ts";

let sim: AgentSim | undefined;
afterEach(async () => {
  await sim?.stopAll();
  sim = undefined;
});

describe("honest start-up with complete agents", () => {
  test("until its checks ran, a node answers /local 503 without a status, and others do not count it against the cluster", async () => {
    sim = new AgentSim(21);
    const s = sim;
    const a = await s.start(0, "master");
    await s.advanceUntil(() => a.events.some((e) => e.type === "ProbeRun"), 5000, 50);
    const b = await s.start(1, "node", [0]);
    const early = await b.request("/local");
    expect(early.status).toBe(503);
    expect(((await early.json()) as { status?: string }).status).toBeUndefined();
    // Its first check has not run: the cluster does not hold it against anyone, and no event says it changed.
    expect(((await (await a.request("/status")).json()) as { status: string }).status).toBe("running");
    expect(await s.advanceUntil(() => b.events.some((e) => e.type === "ProbeRun"), 5000, 10)).toBeGreaterThanOrEqual(0);
    const ready = await b.request("/local");
    expect(ready.status).toBe(200);
    expect(((await ready.json()) as { status?: string }).status).toBe("running");
    expect(b.events.filter((e) => e.type === "NodeHealthy" || e.type === "NodeDegraded")).toEqual([]);
  });

  test("a failure seen at start-up degrades the node from unknown, once its checks have run", async () => {
    sim = new AgentSim(22);
    const s = sim;
    const a = await s.start(0, "master");
    a.appOutcome = { status: "failed", error: "down at boot" };
    expect((await a.request("/local")).status).toBe(503);
    expect(await s.advanceUntil(() => a.events.some((e) => e.type === "NodeDegraded"), 5000, 10)).toBeGreaterThanOrEqual(0);
    expect(a.events.find((e) => e.type === "NodeDegraded")).toMatchObject({ oldState: "unknown", newState: "degraded" });
  });
});
