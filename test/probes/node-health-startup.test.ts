import { describe, expect, test } from "bun:test";
import type { AgentEvent } from "../../src/events/agent-event.ts";
import { createEventStream } from "../../src/events/event-stream.ts";
import { silentLogger } from "../../src/platform/logger.ts";
import { NodeHealth, type TrackedCheck } from "../../src/probes/node-health.ts";
import type { CheckOutcome } from "../../src/probes/check-outcome.ts";

const check = (name: string): TrackedCheck => ({ name, kind: "tcp", intervalMs: 1000, timeoutMs: 500, severity: "critical", failuresBeforeCritical: 1, successesBeforePassing: 1 });
const report = (name: string, status: CheckOutcome["status"], at = 1000) => ({ name, startedAtMs: at, durationMs: 5, outcomes: [{ status } as CheckOutcome], lagMs: 0 });

function setup(checks: TrackedCheck[]) {
  const stream = createEventStream({ clock: { nowMs: () => 0 }, logger: silentLogger });
  const changes: AgentEvent[] = [];
  stream.subscribe("test", (e) => void (e.type !== "ProbeRun" && changes.push(e)));
  return { health: new NodeHealth("n1", checks, stream), changes };
}

describe("honest start-up", () => {
  test("the node is unknown until every check reported once; reaching running is no news", () => {
    const { health, changes } = setup([check("a"), check("b")]);
    expect(health.nodeStatus()).toBe("unknown");
    health.apply(report("a", "running"));
    expect(health.nodeStatus()).toBe("unknown");
    health.apply(report("b", "running"));
    expect(health.nodeStatus()).toBe("running");
    expect(changes).toEqual([]);
  });

  test("a failure during start-up degrades the node once every check has reported, from unknown", () => {
    const { health, changes } = setup([check("a"), check("b")]);
    health.apply(report("a", "failed"));
    expect(health.nodeStatus()).toBe("unknown");
    expect(changes.map((e) => e.type)).toEqual(["ProbeFailed"]);
    health.apply(report("b", "running", 2000));
    expect(health.nodeStatus()).toBe("degraded");
    expect(changes.at(-1)).toMatchObject({ type: "NodeDegraded", oldState: "unknown", newState: "degraded", ts: 2005 });
  });

  test("endStartup: a check that never reported no longer holds the node unknown", () => {
    const { health, changes } = setup([check("a"), check("stuck")]);
    health.apply(report("a", "failed"));
    health.endStartup(5000);
    expect(health.nodeStatus()).toBe("degraded");
    expect(changes.at(-1)).toMatchObject({ type: "NodeDegraded", oldState: "unknown", ts: 5000 });
    health.endStartup(6000);
    expect(changes.filter((e) => e.type === "NodeDegraded")).toHaveLength(1);
  });

  test("a node without checks is running at once", () => {
    expect(setup([]).health.nodeStatus()).toBe("running");
  });
});

describe("setChecks (a reloaded configuration)", () => {
  test("an unchanged check keeps its state; a removed failing check heals the node; a changed one starts over", () => {
    const { health, changes } = setup([check("a"), check("b")]);
    health.apply(report("a", "running"));
    health.apply(report("b", "failed"));
    expect(health.nodeStatus()).toBe("degraded");
    changes.length = 0;
    health.setChecks([check("a"), check("c")], new Set(), 7000);
    expect(health.nodeStatus()).toBe("running");
    expect(changes).toMatchObject([{ type: "NodeHealthy", oldState: "degraded", newState: "running", ts: 7000 }]);
    expect(health.probes()).toEqual([{ checker: "a", status: "running" }]);
    expect(health.checks().map((c) => c.name)).toEqual(["a", "c"]);
    expect(health.checks()[0]?.lastRunAtMs).toBe(1000);
    health.setChecks([check("a"), check("c")], new Set(["a"]), 8000);
    expect(health.checks()[0]?.lastRunAtMs).toBeUndefined();
    expect(health.probes()).toEqual([]);
  });
});
