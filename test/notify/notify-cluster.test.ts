import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AgentEvent } from "../../src/events/agent-event.ts";
import { notifierId } from "../../src/notify/notification-keys.ts";
import { AgentSim, type SimAgent } from "../sim/agent-sim.ts";
import { AlertmanagerProcess, WebhookReceiver } from "./receivers.ts";

/**
 * Three complete agents over the simulated network, each with the same two notifiers (a
 * webhook and a real Alertmanager) filtered to probe alerts: what one probe failure, a killed
 * sender, a receiver outage and a sender restart do to what the receivers get.
 */
class NotifySim extends AgentSim {
  constructor(
    seed: number,
    private readonly root: string,
    private readonly notifiers: Record<string, unknown>[],
  ) {
    super(seed, { startWallMs: Date.now() });
  }

  stateDirOf(name: string): string {
    return join(this.root, name);
  }

  protected override extraConfig(name: string): Record<string, unknown> {
    mkdirSync(this.stateDirOf(name), { recursive: true, mode: 0o700 });
    return { stateDir: this.stateDirOf(name), clusterName: "sim", notifiers: this.notifiers };
  }

  /**
   * Real receivers answer in real time while the agents run on the heap clock: every step of
   * simulated time also lets a few real milliseconds pass.
   */
  async runUntil(cond: () => boolean, limitMs: number, stepMs = 100): Promise<number> {
    const start = this.clock.monotonicMs();
    while (!cond()) {
      if (this.clock.monotonicMs() - start >= limitMs) return -1;
      await this.clock.advance(stepMs);
      await Bun.sleep(2);
    }
    return this.clock.monotonicMs() - start;
  }

  async runFor(ms: number): Promise<void> {
    await this.runUntil(() => false, ms);
  }
}

const ofType = <T extends AgentEvent["type"]>(agent: SimAgent, type: T) => agent.events.filter((e): e is Extract<AgentEvent, { type: T }> => e.type === type);

let hook: WebhookReceiver;
let am: AlertmanagerProcess;
let sim: NotifySim;

beforeAll(async () => {
  hook = await WebhookReceiver.start();
  am = await AlertmanagerProcess.start();
});

afterAll(async () => {
  await sim?.stopAll();
  await hook?.down();
  await am?.stop();
});

describe("notifications from three agents (simulated network, real receivers)", () => {
  test("sent once, by one node; a killed sender's successor sends the next one once; an outage and a restart lose nothing", async () => {
    const root = mkdtempSync(join(tmpdir(), "satellite-notify-"));
    sim = new NotifySim(5, root, [
      { name: "ops-hook", kind: "webhook", url: hook.url, secret: "s3cret", events: ["probe"], quietPeriod: "1s", timeout: "30s" },
      { name: "ops-am", kind: "alertmanager", url: am.url, events: ["probe"], quietPeriod: "1s", timeout: "30s" },
    ]);
    const s = sim;
    const [n0, n1, n2] = [await s.start(0, "master"), await s.start(1, "node", [0]), await s.start(2, "node", [0])];
    expect(await s.runUntil(() => s.running().every((x) => x.events.filter((e) => e.type === "NodeAdded").length === 3 && x.events.some((e) => e.type === "ProbeRun")), 30_000)).toBeGreaterThanOrEqual(0);
    await s.runFor(5000);

    // A probe fails on node-1: one webhook request and one Alertmanager alert, sent by node-0 (first by name).
    n1.appOutcome = { status: "failed", error: "app down" };
    expect(await s.runUntil(() => hook.requests.length >= 1, 20_000)).toBeGreaterThanOrEqual(0);
    await s.runFor(15_000);
    expect(hook.requests.length).toBe(1);
    const first = hook.requests[0]!;
    expect(first.json).toMatchObject({ change: "ProbeFailed", node: "node-1", checker: "app", cluster: "sim", sender: "node-0", firing: true });
    expect(first.headers["x-satellite-event-id"]).toBe(first.json.id as string);
    expect(first.headers["x-satellite-signature"]).toMatch(/^sha256=[0-9a-f]{64}$/);
    // The simulated wall clock runs ahead of Alertmanager's: alerts are told apart by when they end.
    const firingAt = async (nowMs: number) => (await am.alerts()).filter((a) => a.endsAtMs > nowMs + 60_000).map((a) => a.labels);
    expect(await firingAt(s.clock.nowMs())).toEqual([{ alertname: "SatelliteProbeFailed", node: "node-1", checker: "app", severity: "critical", cluster: "sim" }]);
    expect(ofType(n0, "NotificationSent").map((e) => e.notifier).sort()).toEqual(["ops-am", "ops-hook"]);
    expect([...ofType(n1, "NotificationSent"), ...ofType(n2, "NotificationSent")]).toEqual([]);

    // The sender is killed; node-1 takes over. It knows (from node-0's acknowledgment) that node-1's
    // failure was sent, so the next request is node-2's failure, and only that.
    await s.stop("node-0", false);
    await s.runFor(15_000);
    n2.appOutcome = { status: "failed", error: "app down too" };
    expect(await s.runUntil(() => hook.requests.length >= 2, 30_000)).toBeGreaterThanOrEqual(0);
    await s.runFor(15_000);
    expect(hook.requests.map((r) => `${r.json.change}:${r.json.node}:${r.json.sender}`)).toEqual(["ProbeFailed:node-1:node-0", "ProbeFailed:node-2:node-1"]);
    expect((await firingAt(s.clock.nowMs())).map((a) => a.node).sort()).toEqual(["node-1", "node-2"]);

    // The webhook receiver is down for 60 s while both probes recover: failures are retried, shown, and nothing is lost.
    await hook.down();
    n1.appOutcome = { status: "running" };
    n2.appOutcome = { status: "running" };
    await s.runFor(60_000);
    const failed = ofType(n1, "NotificationFailed").filter((e) => e.notifier === "ops-hook");
    expect(failed.length).toBeGreaterThan(0);
    expect(failed.every((e) => !e.final && e.error.includes("webhook"))).toBe(true);
    const ready = await (await n1.request("/readyz?verbose")).text();
    expect(ready).toContain("notifier ops-hook");
    expect(ready).toContain("waiting");
    // Alertmanager (a separate receiver) got both resolutions meanwhile; that it then shows them
    // resolved is alertmanager-sender.test.ts's (here the simulated clock runs ahead of its own).
    expect(ofType(n1, "NotificationSent").filter((e) => e.notifier === "ops-am" && e.about === "ProbeSucceeded").map((e) => e.subjectNode).sort()).toEqual(["node-1", "node-2"]);
    hook.up();
    expect(await s.runUntil(() => hook.requests.length >= 4, 120_000)).toBeGreaterThanOrEqual(0);
    await s.runFor(10_000);
    expect(hook.requests.slice(2).map((r) => `${r.json.change}:${r.json.node}`).sort()).toEqual(["ProbeSucceeded:node-1", "ProbeSucceeded:node-2"]);

    // The receiver goes down again, a probe fails, and the sender (node-1) restarts with it in its outbox.
    await hook.down();
    n2.appOutcome = { status: "failed", error: "third time" };
    expect(await s.runUntil(() => ofType(n1, "NotificationFailed").length > failed.length + 1, 30_000)).toBeGreaterThanOrEqual(0);
    const outbox = join(s.stateDirOf("node-1"), `notify-${notifierId("ops-hook")}.json`);
    expect(statSync(outbox).mode & 0o777).toBe(0o600);
    expect((JSON.parse(readFileSync(outbox, "utf8")) as { queue: unknown[] }).queue.length).toBe(1);
    await s.stop("node-1", false);
    const again = await s.start(1, "node", [2]);
    again.appOutcome = { status: "running" };
    hook.up();
    expect(await s.runUntil(() => hook.requests.length >= 5, 60_000)).toBeGreaterThanOrEqual(0);
    await s.runFor(15_000);
    expect(hook.requests.slice(4).map((r) => `${r.json.change}:${r.json.node}:${r.json.sender}`)).toEqual(["ProbeFailed:node-2:node-1"]);
    // Every request carried its own key: no notification was delivered twice.
    const keys = hook.requests.map((r) => r.headers["x-satellite-event-id"]);
    expect(new Set(keys).size).toBe(keys.length);
  }, 240_000);
});
