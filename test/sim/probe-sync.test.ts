import { afterEach, describe, expect, test } from "bun:test";
import type { AgentEvent } from "../../src/events/agent-event.ts";
import { AgentSim, type SimAgent } from "./agent-sim.ts";

/**
 * Every Satellite node's probes on every node, over gossip, with 50 complete agents: a probe's
 * error text reaches every other node's /status, survives a partition and a restart of the
 * node that reports it, and each ProbeFailed / ProbeSucceeded of a node lands exactly once in
 * every other node's timeline.
 */
interface StatusBody {
  nodes?: { name: string; status?: string; reported_at?: string; probes?: { checker: string; status: string; error?: string }[] }[];
}

type ProbeChange = Extract<AgentEvent, { type: "ProbeFailed" | "ProbeSucceeded" }>;

const N = 50;
const ALL = Array.from({ length: N }, (_, i) => i);

let sim: AgentSim | undefined;
afterEach(async () => {
  await sim?.stopAll();
  sim = undefined;
});

async function statusOf(agent: SimAgent): Promise<StatusBody> {
  return (await (await agent.request("/status")).json()) as StatusBody;
}

/** The `app` probe of `node` as `agent`'s /status shows it. */
async function appProbe(agent: SimAgent, node: string) {
  return (await statusOf(agent)).nodes?.find((n) => n.name === node)?.probes?.find((p) => p.checker === "app");
}

/** Polls every few simulated seconds (a /status of 50 agents is not free). */
async function until(s: AgentSim, cond: () => Promise<boolean>, limitMs: number): Promise<number> {
  const start = s.clock.monotonicMs();
  for (;;) {
    if (await cond()) return s.clock.monotonicMs() - start;
    if (s.clock.monotonicMs() - start >= limitMs) return -1;
    await s.clock.advance(500);
  }
}

async function everyone(agents: SimAgent[], check: (agent: SimAgent) => Promise<boolean>): Promise<boolean> {
  for (const agent of agents) if (!(await check(agent))) return false;
  return true;
}

/** `agent`'s probe changes about `node`, as `type@ts`. */
function changesOf(agent: SimAgent, node: string): string[] {
  return agent.events.filter((e): e is ProbeChange => (e.type === "ProbeFailed" || e.type === "ProbeSucceeded") && e.node === node).map((e) => `${e.type}@${e.ts}`);
}

async function startCluster(s: AgentSim): Promise<SimAgent[]> {
  const agents = [await s.start(0, "master")];
  for (const i of ALL.slice(1)) agents.push(await s.start(i, "node", [0]));
  // Every node lists every node with its running probe.
  const listed = await until(s, () => everyone(agents, async (a) => {
    const nodes = (await statusOf(a)).nodes ?? [];
    return nodes.length === N && nodes.every((n) => n.probes?.some((p) => p.checker === "app" && p.status === "running"));
  }), 60_000);
  expect(listed).toBeGreaterThanOrEqual(0);
  return agents;
}

describe("probe lists over gossip, 50 complete agents", () => {
  test("a failing probe's error text reaches every node's /status, with reported_at, and every node records the change once", async () => {
    sim = new AgentSim(21);
    const s = sim;
    const agents = await startCluster(s);
    for (const node of (await statusOf(agents[13] as SimAgent)).nodes ?? []) expect(node.reported_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/);

    const owner = s.get("node-7");
    owner.appOutcome = { status: "failed", error: "disk /data is 97% full on node-7" };
    const others = agents.filter((a) => a !== owner);
    const took = await until(s, () => everyone(others, async (a) => (await appProbe(a, "node-7"))?.error === "disk /data is 97% full on node-7"), 10_000);
    expect(took).toBeGreaterThanOrEqual(0);
    // One check interval (1 s) to run, then one delta: no waiting for a push/pull.
    expect(took).toBeLessThanOrEqual(2000);
    for (const a of others) expect((await appProbe(a, "node-7"))?.status).toBe("failed");

    // The owner's ProbeFailed, with its time, once on every other node's stream and in its history.
    const own = changesOf(owner, "node-7");
    expect(own).toHaveLength(1);
    for (const a of others) {
      expect(changesOf(a, "node-7")).toEqual(own);
      const failed = a.events.find((e): e is ProbeChange => e.type === "ProbeFailed" && e.node === "node-7");
      expect(failed).toMatchObject({ probe: "app", oldState: "running", newState: "failed", error: "disk /data is 97% full on node-7" });
    }
    const history = (await (await others[30]!.request("/history?node=node-7&type=ProbeFailed")).json()) as { events: { node: string; probe: string }[] };
    expect(history.events).toEqual([expect.objectContaining({ node: "node-7", probe: "app" })]);
    // Counted in /metrics: one delta to each of the 49 others, one received here.
    const counter = async (agent: SimAgent, direction: string): Promise<number> => {
      const text = await (await agent.request("/metrics")).text();
      return Number(text.match(new RegExp(`satellite_probe_list_deltas_total\\{direction="${direction}"\\} (\\d+)`))?.[1] ?? 0);
    };
    expect(await counter(owner, "sent")).toBeGreaterThanOrEqual(49);
    expect(await counter(others[30]!, "received")).toBeGreaterThanOrEqual(1);
    // The log says whose probe it is; "state change" stays this node's own.
    const log = others[30]!.logLines.filter((l) => l.includes("type=ProbeFailed"));
    expect(log).toEqual([expect.stringContaining("cluster change type=ProbeFailed node=node-7 probe=app state=failed")]);
  }, 120_000);

  test("partition, heal and a restart of the reporting node: the text arrives and each change is recorded exactly once", async () => {
    sim = new AgentSim(33);
    const s = sim;
    let agents = await startCluster(s);
    const sideA = ALL.slice(0, 25).map(AgentSim.ipOf);
    const sideB = ALL.slice(25).map(AgentSim.ipOf);

    // node-30 fails while the cluster is cut in two: only its own side hears of it.
    s.network.partition([sideA, sideB]);
    s.get("node-30").appOutcome = { status: "failed", error: "raid degraded on node-30" };
    await s.clock.advance(20_000);
    expect((await appProbe(s.get("node-3"), "node-30"))?.error).toBeUndefined();
    s.network.heal();
    const healed = await until(s, () => everyone(agents, async (a) => a.name === "node-30" || (await appProbe(a, "node-30"))?.error === "raid degraded on node-30"), 180_000);
    expect(healed).toBeGreaterThanOrEqual(0);

    // node-7 fails and recovers on a lossy network (deltas lost: gaps, pulls, changes that
    // arrive twice), is killed, and comes back failing: a new process, new changes.
    s.network.setDefaultLink({ lossRate: 0.15 });
    const first = s.get("node-7");
    first.appOutcome = { status: "failed", error: "first failure" };
    await s.clock.advance(5000);
    first.appOutcome = { status: "running" };
    await s.clock.advance(5000);
    s.network.setDefaultLink({ lossRate: 0 });
    // A node that lost a delta catches up the next time it probes the owner (the hash in the ack
    // differs). Probe rounds are reshuffled, so two probes of one node can be up to 2N - 1
    // probe intervals apart: 99 s here.
    await s.clock.advance(100_000);
    const firstLife = changesOf(first, "node-7");
    expect(firstLife.map((c) => c.split("@")[0])).toEqual(["ProbeFailed", "ProbeSucceeded"]);
    await s.stop("node-7", false);
    await s.clock.advance(3000);
    const second = await s.start(7, "node", [0]);
    second.appOutcome = { status: "failed", error: "failing after the restart" };
    agents = agents.map((a) => (a.name === "node-7" ? second : a));
    const others = agents.filter((a) => a.name !== "node-7");
    const back = await until(s, () => everyone(others, async (a) => (await appProbe(a, "node-7"))?.error === "failing after the restart"), 120_000);
    expect(back).toBeGreaterThanOrEqual(0);
    // A receiver restarts too, keeping its history (as it would on disk).
    await s.stop("node-12", false);
    await s.clock.advance(3000);
    const restarted = await s.start(12, "node", [0], { keepHistory: true });
    agents = agents.map((a) => (a.name === "node-12" ? restarted : a));
    // Long enough for every catch-up path (acks, member events, reconnects) to have run twice.
    await s.clock.advance(90_000);

    // Every change of node-30 and node-7 (both lives), exactly once on every other node (a change
    // caught up after a lost delta comes later on the stream, with the owner's time).
    const expected7 = [...firstLife, ...changesOf(second, "node-7")];
    expect(expected7).toHaveLength(3);
    const expected30 = changesOf(s.get("node-30"), "node-30");
    expect(expected30).toHaveLength(1);
    for (const a of others.filter((x) => x.name !== "node-12")) {
      expect(changesOf(a, "node-7").sort()).toEqual([...expected7].sort());
      if (a.name !== "node-30") expect([...changesOf(a, "node-30")].sort()).toEqual(expected30);
    }
    // The restarted receiver's history holds each of them once: its new run added none again.
    expect(changesOf(restarted, "node-7")).toEqual([]);
    const kept = async (node: string) =>
      ((await (await restarted.request(`/history?node=${node}`)).json()) as { events: { type: string }[] }).events.filter((e) => e.type.startsWith("Probe")).map((e) => e.type);
    expect(await kept("node-7")).toEqual(expected7.map((c) => c.slice(0, c.indexOf("@"))));
    expect(await kept("node-30")).toEqual(["ProbeFailed"]);
  }, 300_000);
});
