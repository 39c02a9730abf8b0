import { afterEach, describe, expect, test } from "bun:test";
import type { AgentEvent } from "../../src/events/agent-event.ts";
import { AgentSim, type SimAgent } from "./agent-sim.ts";

/** `Type` or `Type:node` of each event matching `types`, in stream order. */
function trace(agent: SimAgent, types: readonly string[], afterSeq = 0): string[] {
  return agent.events.filter((e) => e.seq > afterSeq && types.includes(e.type)).map((e) => ("node" in e && e.node ? `${e.type}:${e.node}` : e.type));
}

const lastSeq = (agent: SimAgent) => agent.events.at(-1)?.seq ?? 0;

async function statusOf(agent: SimAgent): Promise<{ code: number; body: { status: string; summary?: string; nodes?: { name: string; status?: string; member_status?: { status: string } }[] } }> {
  const response = await agent.request("/status");
  return { code: response.status, body: (await response.json()) as never };
}

let sim: AgentSim | undefined;
afterEach(async () => {
  await sim?.stopAll();
  sim = undefined;
});

describe("complete agents in one process (startAgent over the simulated network)", () => {
  test("a probe failure, a kill and a leave show on every agent's stream in order, and /status agrees", async () => {
    sim = new AgentSim(7);
    const s = sim;
    const [a, b, c] = [await s.start(0, "master"), await s.start(1, "node", [0]), await s.start(2, "node", [0])];
    const healthyEverywhere = () => s.running().every((x) => trace(x, ["ProbeRun"]).length > 0 && trace(x, ["ClusterHealthy", "ClusterDegraded"]).length === 0 && trace(x, ["NodeAdded"]).length === 3);
    expect(await s.advanceUntil(healthyEverywhere, 30_000)).toBeGreaterThanOrEqual(0);
    for (const x of [a, b, c]) {
      expect(trace(x, ["NodeAdded"]).sort()).toEqual(["NodeAdded:node-0", "NodeAdded:node-1", "NodeAdded:node-2"]);
      expect((await statusOf(x)).code).toBe(200);
    }
    // Sequence numbers run 1, 2, 3... on each agent, and every event carries its kind.
    for (const x of [a, b, c]) {
      expect(x.events.map((e) => e.seq)).toEqual(x.events.map((_, i) => i + 1));
      expect(x.events.find((e) => e.type === "ProbeRun")?.kind).toBe("probe");
    }

    // A probe fails on node-1.
    const beforeFail = [a, b, c].map(lastSeq);
    b.appOutcome = { status: "failed", error: "app down" };
    const degradedEverywhere = () => [a, c].every((x, i) => trace(x, ["NodeDegraded", "ClusterDegraded"], beforeFail[i === 0 ? 0 : 2]).length === 2) && trace(b, ["ClusterDegraded"], beforeFail[1]).length === 1;
    expect(await s.advanceUntil(degradedEverywhere, 10_000)).toBeGreaterThanOrEqual(0);
    expect(trace(b, ["ProbeFailed", "NodeDegraded", "ClusterDegraded"], beforeFail[1])).toEqual(["ProbeFailed:node-1", "NodeDegraded:node-1", "ClusterDegraded"]);
    for (const [x, since] of [[a, beforeFail[0]], [c, beforeFail[2]]] as const) {
      // Its new digest arrives as a tag update, then the view sees the node and the cluster degraded.
      expect(trace(x, ["NodeUpdated", "NodeDegraded", "ClusterDegraded"], since).slice(-3)).toEqual(["NodeUpdated:node-1", "NodeDegraded:node-1", "ClusterDegraded"]);
      expect(trace(x, ["NodeDegraded", "ClusterDegraded"], since)).toEqual(["NodeDegraded:node-1", "ClusterDegraded"]);
    }
    const failedRun = b.events.find((e): e is Extract<AgentEvent, { type: "ProbeRun" }> => e.type === "ProbeRun" && e.status === "failed");
    expect(failedRun?.outcomes).toEqual([{ status: "failed", error: "app down" }]);
    for (const x of [a, b, c]) {
      const { code, body } = await statusOf(x);
      expect(code).toBe(503);
      expect(body.status).toBe("degraded");
      expect(body.nodes?.find((n) => n.name === "node-1")?.status).toBe("degraded");
    }
    // History (the memory store behind /history) keeps the timeline events of the stream.
    const history = (await (await b.request("/history?type=ProbeFailed")).json()) as { events?: { type: string; probe?: string }[] } | { type: string }[];
    expect(JSON.stringify(history)).toContain('"probe":"app"');

    // It heals.
    const beforeHeal = [a, b, c].map(lastSeq);
    b.appOutcome = { status: "running" };
    expect(await s.advanceUntil(() => [a, b, c].every((x, i) => trace(x, ["ClusterHealthy"], beforeHeal[i]).length === 1), 10_000)).toBeGreaterThanOrEqual(0);
    expect(trace(b, ["ProbeSucceeded", "NodeHealthy", "ClusterHealthy"], beforeHeal[1])).toEqual(["ProbeSucceeded:node-1", "NodeHealthy:node-1", "ClusterHealthy"]);

    // node-2 is killed (stops without leaving): the others see it fail.
    const beforeKill = [a, b].map(lastSeq);
    await s.stop("node-2", false);
    const failSeen = () => [a, b].every((x, i) => trace(x, ["ClusterDegraded"], beforeKill[i]).length === 1);
    expect(await s.advanceUntil(failSeen, 30_000)).toBeGreaterThanOrEqual(0);
    for (const [x, since] of [[a, beforeKill[0]], [b, beforeKill[1]]] as const) {
      expect(trace(x, ["NodeFailed", "NodeDegraded", "ClusterDegraded"], since)).toEqual(["NodeFailed:node-2", "NodeDegraded:node-2", "ClusterDegraded"]);
      const { body } = await statusOf(x);
      expect(body.status).toBe("degraded");
      expect(body.nodes?.find((n) => n.name === "node-2")?.member_status?.status).toBe("failed");
    }

    // node-1 leaves gracefully: node-0 sees it leave, then removes it from its view.
    const beforeLeave = lastSeq(a);
    await s.stop("node-1", true);
    expect(await s.advanceUntil(() => trace(a, ["NodeRemoved"], beforeLeave).length === 1, 10_000)).toBeGreaterThanOrEqual(0);
    expect(trace(a, ["NodeLeft", "NodeFailed", "NodeRemoved"], beforeLeave)).toEqual(["NodeLeft:node-1", "NodeRemoved:node-1"]);
    expect((await statusOf(a)).body.nodes?.find((n) => n.name === "node-1")?.member_status?.status).toBe("left");
  });

  test("a serf user event reaches every agent's stream as UserEvent", async () => {
    sim = new AgentSim(11);
    const s = sim;
    const [a, b] = [await s.start(0, "master"), await s.start(1, "node", [0])];
    expect(await s.advanceUntil(() => [a, b].every((x) => trace(x, ["NodeAdded"]).length === 2), 30_000)).toBeGreaterThanOrEqual(0);
    a.agent.userEvent("deploy", new TextEncoder().encode("v2"), false);
    await s.advanceUntil(() => trace(b, ["UserEvent"]).length === 1, 5000);
    const seen = b.events.find((e) => e.type === "UserEvent");
    expect(seen).toMatchObject({ kind: "user", name: "deploy", payload: "v2", payloadEncoding: "utf8", coalesce: false });
    // The stream's own counters reach /metrics.
    const metrics = await (await b.request("/metrics")).text();
    expect(metrics).toContain('satellite_events_total{type="UserEvent"} 1');
    expect(metrics).toMatch(/satellite_events_total\{type="ProbeRun"\} [1-9]/);
  });
});
