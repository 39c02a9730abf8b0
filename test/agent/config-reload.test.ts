import { describe, expect, test } from "bun:test";
import { z } from "zod";
import { planChecks } from "../../src/agent/check-setup.ts";
import { createConfigReloader, mergeReloadable } from "../../src/agent/config-reload.ts";
import { loadAgentConfig, type AgentConfig } from "../../src/config/load.ts";
import type { AgentEvent } from "../../src/events/agent-event.ts";
import { createEventStream } from "../../src/events/event-stream.ts";
import { createFakeHostProbe } from "../../src/platform/host-probe.ts";
import { silentLogger } from "../../src/platform/logger.ts";
import { ManualClock } from "../../src/platform/manual-clock.ts";
import { createSeededRandom } from "../../src/platform/random.ts";
import type { CheckOutcome } from "../../src/probes/check-outcome.ts";
import type { CheckerKind } from "../../src/probes/checker.ts";
import { NodeHealth } from "../../src/probes/node-health.ts";
import { Scheduler } from "../../src/probes/scheduler.ts";

/** A kind whose checks always pass. */
function stubKind(): CheckerKind {
  return { kind: "stub", description: "always passes", options: () => z.strictObject({}), create: () => async (): Promise<CheckOutcome[]> => [{ status: "running" }] };
}

function load(file: string, kind: CheckerKind, flags: Record<string, string> = {}): AgentConfig {
  return loadAgentConfig({
    flags: { config: "/etc/satellite.yaml", ...flags },
    env: {},
    readFile: () => file,
    hostname: () => "n1",
    cwd: "/srv",
    findKind: (name) => (name === kind.kind ? kind : undefined),
    kindNames: [kind.kind],
  });
}

const CHECKS = (...entries: string[]) => `defaultChecks: false\nchecks:\n${entries.map((e) => `  - ${e}\n`).join("")}`;

describe("mergeReloadable", () => {
  const kind = stubKind();
  test("checks and event handlers are applied; other changed keys are named for a restart, by their own name", () => {
    const before = load(CHECKS("{name: a, kind: stub}"), kind);
    const after = load(`${CHECKS("{name: b, kind: stub}")}retention: 14d\nrpcAddr: ["127.0.0.1:7676"]\neventHandlers: ["echo"]\n`, kind);
    const running = { ...before, tags: { role: "node" } };
    const { config, restartNeeded } = mergeReloadable(running, before, after);
    expect(restartNeeded).toEqual(["retention", "rpcAddr"]);
    expect(config.checks.map((c) => c.spec.name)).toEqual(["b"]);
    expect(config.eventHandlers).toEqual(after.eventHandlers);
    // What the running agent decided at start (the role from its Node) is kept.
    expect(config.tags).toEqual({ role: "node" });
    expect(config.retention).toBe(before.retention);
  });
});

describe("createConfigReloader", () => {
  async function agentParts(file: string) {
    const clock = new ManualClock();
    const kind = stubKind();
    const events = createEventStream({ clock, logger: silentLogger });
    const seen: AgentEvent[] = [];
    events.subscribe("test", (e) => seen.push(e));
    const config = load(file, kind);
    const replan = (c: AgentConfig) => planChecks(c, { find: (k) => (k === "stub" ? kind : undefined), names: ["stub"] }, createFakeHostProbe([]), silentLogger);
    const plan = await replan(config);
    const health = new NodeHealth("n1", plan.tracked, events);
    const scheduler = new Scheduler({ clock, random: createSeededRandom(1), logger: silentLogger, concurrencyMax: 8, jitterFraction: 0, onReport: (r) => health.apply(r) });
    for (const check of plan.scheduled) scheduler.add(check);
    scheduler.start();
    const restarts: AgentConfig[] = [];
    const reloader = createConfigReloader({ running: config, loaded: config, plan, replan, scheduler, health, nowMs: () => clock.nowMs(), restartEventHandlers: async (c) => void restarts.push(c) });
    return { clock, kind, health, scheduler, reloader, seen, restarts };
  }

  test("an unchanged check keeps its state, a new one runs, a removed one stops; a bad plan changes nothing", async () => {
    const parts = await agentParts(CHECKS("{name: kept, kind: stub, interval: 1s}", "{name: gone, kind: stub, interval: 1s, failuresBeforeCritical: 3}"));
    const { clock, health, scheduler, reloader, kind } = parts;
    await clock.advance(1500);
    const keptRun = health.checks().find((c) => c.name === "kept")?.lastRunAtMs;
    expect(keptRun).toBeDefined();
    expect(health.nodeStatus()).toBe("running");

    const result = await reloader.reload(load(CHECKS("{name: kept, kind: stub, interval: 1s}", "{name: fresh, kind: stub, interval: 1s}"), kind));
    expect(result).toEqual({ checks: { added: ["fresh"], removed: ["gone"], changed: [] }, eventHandlers: false, restartNeeded: [] });
    expect(scheduler.names().sort()).toEqual(["fresh", "kept"]);
    expect(health.checks().find((c) => c.name === "kept")?.lastRunAtMs).toBe(keptRun);
    await clock.advance(1500);
    expect(health.checks().find((c) => c.name === "fresh")?.lastRunAtMs).toBeDefined();

    const changed = await reloader.reload(load(CHECKS("{name: kept, kind: stub, interval: 2s}", "{name: fresh, kind: stub, interval: 1s}"), kind));
    expect(changed.checks).toEqual({ added: [], removed: [], changed: ["kept"] });
    expect(health.checks().find((c) => c.name === "kept")?.intervalMs).toBe(2000);

    const broken = { ...load(CHECKS("{name: kept, kind: stub}"), kind), defaultChecks: true };
    const failing = async (): Promise<never> => {
      throw new Error("cannot build");
    };
    // A plan that throws leaves everything as it was.
    const stubborn = createConfigReloader({
      running: broken,
      loaded: broken,
      plan: reloader.plan(),
      replan: failing,
      scheduler,
      health,
      nowMs: () => clock.nowMs(),
      restartEventHandlers: async () => {},
    });
    await expect(stubborn.reload(broken)).rejects.toThrow("cannot build");
    expect(scheduler.names().sort()).toEqual(["fresh", "kept"]);
    await scheduler.stop();
  });

  test("event handlers restart only when they changed", async () => {
    const parts = await agentParts(CHECKS("{name: a, kind: stub}"));
    const same = await parts.reloader.reload(load(CHECKS("{name: a, kind: stub}"), parts.kind));
    expect(same.eventHandlers).toBe(false);
    const next = await parts.reloader.reload(load(`${CHECKS("{name: a, kind: stub}")}eventHandlers: ["probe=logger x"]\n`, parts.kind));
    expect(next.eventHandlers).toBe(true);
    expect(parts.restarts.map((c) => c.eventHandlers.length)).toEqual([1]);
    await parts.scheduler.stop();
  });
});

describe("Scheduler.remove", () => {
  test("a removed check runs no more and the report of its run in progress is dropped", async () => {
    const clock = new ManualClock();
    const reports: string[] = [];
    let release: () => void = () => {};
    const scheduler = new Scheduler({ clock, random: createSeededRandom(1), logger: silentLogger, concurrencyMax: 8, jitterFraction: 0, onReport: (r) => reports.push(r.name) });
    let runs = 0;
    scheduler.add({ name: "slow", intervalMs: 1000, timeoutMs: 900, run: () => new Promise((resolve) => { runs++; release = () => resolve([{ status: "running" }]); }) });
    scheduler.start();
    await clock.advance(10);
    expect(runs).toBe(1);
    expect(scheduler.remove("slow")).toBe(true);
    expect(scheduler.remove("slow")).toBe(false);
    release();
    await clock.advance(5000);
    expect(runs).toBe(1);
    expect(reports).toEqual([]);
    expect(scheduler.names()).toEqual([]);
    await scheduler.stop();
  });
});
