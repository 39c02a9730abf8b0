import { afterEach, describe, expect, test } from "bun:test";
import { AgentSim, type SimAgent } from "./agent-sim.ts";

interface StatusBody {
  status: string;
  summary?: string;
  nodes?: { name: string; member_status?: { status: string } }[];
}

async function statusOf(agent: SimAgent): Promise<StatusBody> {
  return (await (await agent.request("/status")).json()) as StatusBody;
}

async function memberNames(agent: SimAgent): Promise<string[]> {
  const body = (await (await agent.request("/members")).json()) as { members: { name: string }[] };
  return body.members.map((m) => m.name).sort();
}

/** POST /force-leave, with the simulated clock moving while the intent is broadcast. */
async function forceLeave(agent: SimAgent, body: unknown, remoteAddress = "127.0.0.1"): Promise<Response> {
  let answer: Response | undefined;
  void agent.request("/force-leave", { method: "POST", body: JSON.stringify(body), remoteAddress }).then((r) => (answer = r));
  for (let i = 0; answer === undefined; i++) {
    if (i > 100) throw new Error("POST /force-leave did not answer within 10 s of simulated time");
    await (sim as AgentSim).clock.advance(100);
  }
  return answer;
}

/** Every running agent's /status, read now. */
async function statuses(sim: AgentSim): Promise<StatusBody[]> {
  return Promise.all(sim.running().map(statusOf));
}

/** Advances the simulation until `cond` over every agent's /status holds; fails the test past `limitMs`. */
async function untilStatuses(sim: AgentSim, cond: (all: StatusBody[]) => boolean, limitMs: number): Promise<void> {
  let last: StatusBody[] = [];
  for (let waited = 0; ; waited += 500) {
    last = await statuses(sim);
    if (cond(last)) return;
    if (waited >= limitMs) throw new Error(`condition not met within ${limitMs} ms: ${JSON.stringify(last.map((s) => s.summary))}`);
    await sim.clock.advance(500);
  }
}

/** Three agents, all healthy; then node-2 is killed and every survivor counts it as failed. */
async function clusterWithKilledNode(sim: AgentSim): Promise<[SimAgent, SimAgent]> {
  const a = await sim.start(0, "master");
  const b = await sim.start(1, "node", [0]);
  await sim.start(2, "node", [0]);
  await untilStatuses(sim, (all) => all.length === 3 && all.every((s) => s.status === "running" && s.nodes?.length === 3), 30_000);
  await sim.stop("node-2", false);
  await untilStatuses(sim, (all) => all.every((s) => s.summary === "failed nodes: node-2"), 30_000);
  // /status reads the view live; the timeline looks after member events settled (a moment later).
  await sim.clock.advance(1000);
  return [a, b];
}

let sim: AgentSim | undefined;
afterEach(async () => {
  await sim?.stopAll();
  sim = undefined;
});

describe("force-leave with complete agents", () => {
  test("a killed node forced out is left on every node and no longer counts against the cluster", async () => {
    sim = new AgentSim(11);
    const [a, b] = await clusterWithKilledNode(sim);
    const response = await forceLeave(a, { node: "node-2" });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ node: "node-2", prune: false, status: "left" });
    await untilStatuses(sim, (all) => all.every((s) => s.status === "running"), 10_000);
    await sim.clock.advance(1000);
    for (const x of [a, b]) {
      const body = await statusOf(x);
      expect(body.summary).toBeUndefined();
      expect(body.nodes?.find((n) => n.name === "node-2")?.member_status?.status).toBe("left");
      expect(x.events.filter((e) => e.type === "NodeLeft" && e.node === "node-2")).toHaveLength(1);
      expect(x.events.filter((e) => e.type === "ClusterHealthy").length).toBeGreaterThan(0);
    }
  });

  test("--prune forgets the node at once on every node", async () => {
    sim = new AgentSim(12);
    const [a, b] = await clusterWithKilledNode(sim);
    const response = await forceLeave(b, { node: "node-2", prune: true });
    expect(await response.json()).toEqual({ node: "node-2", prune: true, status: "forgotten" });
    const s = sim;
    let names: string[][] = [];
    for (let i = 0; i < 40; i++) {
      names = await Promise.all([a, b].map(memberNames));
      if (names.every((n) => n.length === 2)) break;
      await s.clock.advance(250);
    }
    await s.clock.advance(1000);
    expect(names).toEqual([
      ["node-0", "node-1"],
      ["node-0", "node-1"],
    ]);
    for (const x of [a, b]) {
      expect((await statusOf(x)).status).toBe("running");
      expect(x.events.some((e) => e.type === "NodeRemoved" && e.node === "node-2")).toBe(true);
    }
  });

  test("a live member refutes a force-leave and stays alive", async () => {
    sim = new AgentSim(13);
    const a = await sim.start(0, "master");
    await sim.start(1, "node", [0]);
    await untilStatuses(sim, (all) => all.length === 2 && all.every((s) => s.status === "running" && s.nodes?.length === 2), 30_000);
    // It answers once the intent went out; by then the member may already have refuted it.
    expect(["leaving", "alive"]).toContain(((await (await forceLeave(a, { node: "node-1" })).json()) as { status: string }).status);
    await untilStatuses(sim, (all) => all.every((s) => s.nodes?.every((n) => n.member_status?.status === "alive")), 10_000);
  });

  test("unknown members, this node itself and bad bodies are refused; a remote caller without a token is refused", async () => {
    sim = new AgentSim(14);
    const a = await sim.start(0, "master");
    const unknown = await forceLeave(a, { node: "nobody" });
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: string }).error).toBe('no member named "nobody"');
    const self = await forceLeave(a, { node: "node-0" });
    expect(self.status).toBe(400);
    expect(((await self.json()) as { hint: string }).hint).toContain("satellite leave");
    for (const body of [{}, { node: "" }, { node: "x", prune: "yes" }, { node: "x", extra: 1 }, { node: "a\u0000b" }, { node: "x".repeat(256) }, ["node-1"]]) {
      expect((await forceLeave(a, body)).status).toBe(400);
    }
    expect((await forceLeave(a, { node: "nobody" }, "10.9.9.9")).status).toBe(403);
  });
});

class TimeoutSim extends AgentSim {
  protected override extraConfig(): Record<string, unknown> {
    return { reconnectTimeout: "2m" };
  }
}

describe("reconnectTimeout", () => {
  test("a failed member is forgotten after the configured reconnect timeout, not serf's 24 hours", async () => {
    sim = new TimeoutSim(15);
    const [a] = await clusterWithKilledNode(sim);
    await sim.clock.advance(60_000);
    expect(await memberNames(a)).toEqual(["node-0", "node-1", "node-2"]);
    const s = sim;
    expect(await s.advanceUntil(() => a.events.some((e) => e.type === "NodeRemoved" && e.node === "node-2"), 120_000, 1000)).toBeGreaterThanOrEqual(0);
    expect(await memberNames(a)).toEqual(["node-0", "node-1"]);
    expect((await statusOf(a)).status).toBe("running");
  });
});
