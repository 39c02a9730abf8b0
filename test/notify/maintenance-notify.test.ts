import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AgentSim } from "../sim/agent-sim.ts";
import { WebhookReceiver } from "./receivers.ts";

/** Three complete agents with one webhook notifier (probe and node alerts) over the simulated network. */
class HookSim extends AgentSim {
  constructor(
    seed: number,
    private readonly root: string,
    private readonly url: string,
  ) {
    super(seed, { startWallMs: Date.now() });
  }

  protected override extraConfig(name: string): Record<string, unknown> {
    const stateDir = join(this.root, name);
    mkdirSync(stateDir, { recursive: true, mode: 0o700 });
    return { stateDir, clusterName: "sim", notifiers: [{ name: "ops-hook", kind: "webhook", url: this.url, events: ["probe", "node"], quietPeriod: "1s", timeout: "30s" }] };
  }

  /** Simulated time in steps, with a little real time for the real receiver. */
  async runUntil(cond: () => boolean, limitMs: number): Promise<boolean> {
    for (let waited = 0; !cond(); waited += 100) {
      if (waited >= limitMs) return false;
      await this.clock.advance(100);
      await Bun.sleep(2);
    }
    return true;
  }
}

let hook: WebhookReceiver;
let sim: HookSim | undefined;
beforeAll(async () => {
  hook = await WebhookReceiver.start();
});
afterAll(async () => {
  await sim?.stopAll();
  await hook?.down();
});

describe("notifications under maintenance (simulated network, a real webhook receiver)", () => {
  test("a muted check that fails and a muted node that dies page nobody; the check still failed when its window ends is sent then", async () => {
    sim = new HookSim(41, mkdtempSync(join(tmpdir(), "satellite-maint-notify-")), hook.url);
    const s = sim;
    const [n0, n1] = [await s.start(0, "master"), await s.start(1, "node", [0])];
    await s.start(2, "node", [0]);
    expect(await s.runUntil(() => s.running().every((x) => x.events.filter((e) => e.type === "NodeAdded").length === 3 && x.events.some((e) => e.type === "ProbeRun")), 30_000)).toBe(true);
    await s.runUntil(() => false, 5000);
    const sent = () => hook.requests.map((r) => `${r.json.change}:${r.json.node}${r.json.checker ? `:${r.json.checker}` : ""}`);
    expect(sent()).toEqual([]);

    const start = async (body: unknown): Promise<string> => {
      const response = await n0.request("/maintenance", { method: "POST", body: JSON.stringify(body) });
      expect(response.status).toBe(200);
      return ((await response.json()) as { window: { id: string } }).window.id;
    };
    const appWindow = await start({ check: "app", node: "node-1", for: "1h", reason: "app upgrade" });
    await start({ node: "node-2", for: "1h", reason: "reboot" });
    expect(await s.runUntil(() => s.running().every((x) => x.events.filter((e) => e.type === "MaintenanceStarted").length === 2), 10_000)).toBe(true);

    n1.appOutcome = { status: "failed", error: "app down" };
    await s.stop("node-2", false);
    expect(await s.runUntil(() => n0.events.some((e) => e.type === "NodeFailed" && e.node === "node-2") && n0.events.some((e) => e.type === "ProbeFailed" && e.node === "node-1"), 30_000)).toBe(true);
    await s.runUntil(() => false, 20_000);
    expect(sent()).toEqual([]);

    // The check's window ends while it still fails: the failure (and the node it degrades) is sent now, once; node-2's window still holds.
    expect((await n0.request("/maintenance", { method: "DELETE", body: JSON.stringify({ id: appWindow }) })).status).toBe(200);
    expect(await s.runUntil(() => hook.requests.length >= 2, 20_000)).toBe(true);
    await s.runUntil(() => false, 10_000);
    expect(sent().sort()).toEqual(["NodeDegraded:node-1", "ProbeFailed:node-1:app"]);
  }, 120_000);
});
