import { afterEach, describe, expect, test } from "bun:test";
import type { SseMessage } from "../../src/cli/sse-parser.ts";
import { readSse } from "../support/sse-client.ts";
import { AgentSim } from "./agent-sim.ts";

let sim: AgentSim | undefined;
afterEach(async () => {
  await sim?.stopAll();
  sim = undefined;
});

describe("GET /events of a complete agent (startAgent over the simulated network)", () => {
  test("shows the probe event as it happens; a reconnect with Last-Event-ID gets what it missed", async () => {
    sim = new AgentSim(11);
    const s = sim;
    const a = await s.start(0, "master");
    expect(await s.advanceUntil(() => a.events.some((e) => e.type === "ProbeRun"), 10_000)).toBeGreaterThanOrEqual(0);

    const first = readSse(await a.request("/events?types=probe,cluster"));
    a.appOutcome = { status: "failed", error: "app down" };
    const failedSeen = () => a.events.some((e) => e.type === "ClusterDegraded");
    expect(await s.advanceUntil(failedSeen, 10_000)).toBeGreaterThanOrEqual(0);
    const shown: SseMessage[] = [];
    while (!shown.some((m) => m.event === "ClusterDegraded")) shown.push(...(await first.next()));
    const failed = shown.find((m) => m.event === "ProbeFailed");
    expect(failed).toBeDefined();
    expect(JSON.parse(failed?.data ?? "{}")).toMatchObject({ type: "ProbeFailed", node: "node-0", probe: "app", newState: "failed", error: "app down" });
    // Node events are filtered out; probe runs come through.
    expect(shown.every((m) => ["ProbeRun", "ProbeFailed", "ClusterDegraded"].includes(m.event))).toBe(true);
    const lastSeen = shown.at(-1)?.id ?? "";
    await first.cancel();

    // While nobody listens, it heals.
    a.appOutcome = { status: "running" };
    expect(await s.advanceUntil(() => a.events.some((e) => e.type === "ClusterHealthy"), 10_000)).toBeGreaterThanOrEqual(0);
    const again = readSse(await a.request("/events?types=probe,cluster", { headers: { "last-event-id": lastSeen } }));
    // Ids are `<epoch>.<seq>`: the epoch names this run of the agent.
    const [epoch, seenSeq] = lastSeen.split(".");
    const missed = a.events.filter((e) => e.seq > Number(seenSeq) && (e.kind === "probe" || e.kind === "cluster"));
    const replayed = await again.next(missed.length);
    expect(replayed.map((m) => `${m.id} ${m.event}`)).toEqual(missed.map((e) => `${epoch}.${e.seq} ${e.type}`));
    expect(replayed.map((m) => m.event)).toContain("ProbeSucceeded");
    expect(replayed.map((m) => m.event)).toContain("ClusterHealthy");
    await again.cancel();
  });
});
