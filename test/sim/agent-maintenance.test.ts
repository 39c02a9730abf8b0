import { afterEach, describe, expect, test } from "bun:test";
import type { AgentPlatform } from "../../src/agent/platform-deps.ts";
import { memoryPrivateTextFiles } from "../../src/platform/private-text-files.ts";
import { AgentSim, type SimAgent } from "./agent-sim.ts";

interface StatusBody {
  status: string;
  summary?: string;
  nodes?: { name: string; status?: string; member_status?: { status: string }; maintenance?: { id: string } }[];
  maintenance?: { id: string; node?: string }[];
}

/** Agents whose maintenance file is kept in memory per name (a restart finds it again). */
class MaintenanceSim extends AgentSim {
  readonly files = new Map<string, Map<string, string>>();
  protected override equip(name: string, platform: AgentPlatform): AgentPlatform {
    const files = this.files.get(name) ?? new Map<string, string>();
    this.files.set(name, files);
    return { ...platform, stateFiles: memoryPrivateTextFiles(files) };
  }
}

async function statusOf(agent: SimAgent): Promise<StatusBody> {
  return (await (await agent.request("/status")).json()) as StatusBody;
}

async function until(sim: AgentSim, cond: () => Promise<boolean> | boolean, limitMs: number, what: string): Promise<void> {
  for (let waited = 0; !(await cond()); waited += 500) {
    if (waited >= limitMs) throw new Error(`${what}: not within ${limitMs} ms of simulated time`);
    await sim.clock.advance(500);
  }
}

let sim: MaintenanceSim | undefined;
afterEach(async () => {
  await sim?.stopAll();
  sim = undefined;
});

describe("maintenance windows with complete agents", () => {
  test("a window started on one node reaches every node, keeps the cluster healthy while the node is down, reaches a late joiner, and expires", async () => {
    sim = new MaintenanceSim(23);
    const s = sim;
    const a = await s.start(0, "master");
    await s.start(1, "node", [0]);
    await s.start(2, "node", [0]);
    await until(s, async () => (await Promise.all(s.running().map(statusOf))).every((b) => b.status === "running" && b.nodes?.length === 3), 30_000, "healthy cluster");

    const started = await a.request("/maintenance", { method: "POST", body: JSON.stringify({ node: "node-2", for: "2m", reason: "kernel upgrade" }) });
    expect(started.status).toBe(200);
    const { window } = (await started.json()) as { window: { id: string; node: string } };
    expect(window.node).toBe("node-2");
    await until(s, () => s.running().every((x) => x.events.some((e) => e.type === "MaintenanceStarted" && e.id === window.id)), 10_000, "the window on every node");

    // The planned reboot: node-2 goes down; every survivor sees it failed, and the cluster stays healthy.
    const degradedBefore = new Map(s.running().map((x) => [x.name, x.events.filter((e) => e.type === "ClusterDegraded").length]));
    await s.stop("node-2", false);
    const survivors = s.running();
    await until(s, async () => (await Promise.all(survivors.map(statusOf))).every((b) => b.nodes?.find((n) => n.name === "node-2")?.member_status?.status === "failed"), 30_000, "node-2 failed everywhere");
    for (const x of survivors) {
      const body = await statusOf(x);
      expect(body.status).toBe("running");
      expect(body.nodes?.find((n) => n.name === "node-2")?.maintenance?.id).toBe(window.id);
      expect(body.maintenance?.map((w) => w.id)).toEqual([window.id]);
      expect(x.events.filter((e) => e.type === "ClusterDegraded").length).toBe(degradedBefore.get(x.name) as number);
    }

    // A node that joins later learns the window from the others.
    const late = await s.start(3, "node", [1]);
    await until(s, () => late.events.some((e) => e.type === "MaintenanceStarted" && e.id === window.id), 20_000, "the window on the late joiner");
    expect((await statusOf(late)).maintenance?.map((w) => w.id)).toEqual([window.id]);

    // Two minutes after it started it ends by itself everywhere, and the failed node counts again.
    await until(s, () => s.running().every((x) => x.events.some((e) => e.type === "MaintenanceEnded" && e.id === window.id && e.endedBy === "expired")), 150_000, "the window expired everywhere");
    // (The late joiner never knew node-2: it had failed before the join.)
    await until(s, async () => (await Promise.all(survivors.map(statusOf))).every((b) => b.status === "degraded" && b.summary === "failed nodes: node-2"), 5000, "node-2 counted again");
  }, 60_000);

  test("a window ended on another node ends everywhere; an agent that restarts keeps an active window", async () => {
    sim = new MaintenanceSim(29);
    const s = sim;
    const a = await s.start(0, "master");
    const b = await s.start(1, "node", [0]);
    await until(s, async () => (await Promise.all(s.running().map(statusOf))).every((x) => x.nodes?.length === 2), 30_000, "two members");
    const response = await a.request("/maintenance", { method: "POST", body: JSON.stringify({ check: "app", for: "1h", reason: "" }) });
    const { window } = (await response.json()) as { window: { id: string } };
    await until(s, () => b.events.some((e) => e.type === "MaintenanceStarted"), 10_000, "the window on node-1");
    // /local marks the muted check too.
    const local = (await (await b.request("/local")).json()) as { probes?: { checker: string; maintenance?: { id: string } }[] };
    expect(local.probes?.find((p) => p.checker === "app")?.maintenance?.id).toBe(window.id);

    await s.stop("node-1", false);
    const again = await s.start(1, "node", [0]);
    expect((await statusOf(again)).maintenance?.map((w) => w.id)).toEqual([window.id]);

    const ended = await again.request("/maintenance", { method: "DELETE", body: JSON.stringify({ id: window.id }) });
    expect(ended.status).toBe(200);
    await until(s, () => a.events.some((e) => e.type === "MaintenanceEnded" && e.endedBy === "ended" && e.by === "node-1"), 10_000, "the end on node-0");
    expect((await statusOf(a)).maintenance ?? []).toEqual([]);
  }, 60_000);
});
