import { describe, expect, test } from "bun:test";
import type { AgentEvent } from "../../src/events/agent-event.ts";
import { createEventStream } from "../../src/events/event-stream.ts";
import { silentLogger } from "../../src/platform/logger.ts";
import { NodeHealth, type TrackedCheck } from "../../src/probes/node-health.ts";
import type { CheckOutcome } from "../../src/probes/check-outcome.ts";

const check = (name: string, extra: Partial<TrackedCheck> = {}): TrackedCheck => ({
  name, kind: "tcp", intervalMs: 1000, timeoutMs: 500, severity: "critical", failuresBeforeCritical: 1, successesBeforePassing: 1, ...extra,
});
const report = (name: string, outcomes: CheckOutcome[], at = 1000) => ({ name, startedAtMs: at, durationMs: 5, outcomes, lagMs: 0 });

/** A NodeHealth on a real event stream; `apply` returns what one report published. */
function nodeHealth(name: string, checks: TrackedCheck[]) {
  const stream = createEventStream({ clock: { nowMs: () => 0 }, logger: silentLogger });
  const seen: AgentEvent[] = [];
  stream.subscribe("test", (e) => seen.push(e));
  const health = new NodeHealth(name, checks, stream);
  const apply = (r: ReturnType<typeof report>): AgentEvent[] => {
    seen.length = 0;
    health.apply(r);
    return [...seen];
  };
  /** The changes one report caused, without its ProbeRun. */
  const changes = (r: ReturnType<typeof report>) => apply(r).filter((e) => e.type !== "ProbeRun");
  return { health, apply, changes };
}

describe("NodeHealth", () => {
  test("every run is published as ProbeRun first, with its outcomes, then the changes it caused", () => {
    const { apply } = nodeHealth("n1", [check("a", { severity: "warning" })]);
    const events = apply(report("a", [{ status: "failed", error: "slow", metrics: { ms: 12 } }], 2000));
    expect(events.map((e) => e.type)).toEqual(["ProbeRun", "ProbeFailed"]);
    expect(events[0]).toMatchObject({ kind: "probe", node: "n1", probe: "a", checkKind: "tcp", status: "failed", severity: "warning", startedAtMs: 2000, durationMs: 5, ts: 2005, outcomes: [{ status: "failed", error: "slow", metrics: { ms: 12 } }] });
    expect(events[1]).toMatchObject({ severity: "warning", error: "slow" });
    expect(events.map((e) => e.seq)).toEqual([1, 2]);
    expect(apply(report("a", [{ status: "failed", error: "slow" }], 3000)).map((e) => e.type)).toEqual(["ProbeRun"]);
  });


  test("ProbeRun carries the run's numbers bounded: finite values, safe keys, at most 32 keys per run", () => {
    const { apply } = nodeHealth("n1", [check("a")]);
    const many = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`m${i}`, i]));
    const [run] = apply(report("a", [{ status: "running", metrics: { "/var usage": 1, bad: Number.NaN, inf: Number.POSITIVE_INFINITY } }, { status: "running", metrics: many }]));
    if (run?.type !== "ProbeRun") throw new Error("expected ProbeRun first");
    expect(run.outcomes[0]?.metrics).toEqual({ _var_usage: 1 });
    expect(Object.keys(run.outcomes[1]?.metrics ?? {})).toHaveLength(31);
  });

  test("a critical failure degrades the node and records ProbeFailed then NodeDegraded", () => {
    const { health, changes } = nodeHealth("n1", [check("a"), check("b")]);
    expect(changes(report("a", [{ status: "running" }]))).toEqual([]);
    const events = changes(report("b", [{ status: "failed", error: "refused" }], 2000));
    expect(events.map((e) => e.type)).toEqual(["ProbeFailed", "NodeDegraded"]);
    expect(events[0]).toMatchObject({ node: "n1", probe: "b", oldState: "running", newState: "failed", ts: 2005 });
    expect(health.nodeStatus()).toBe("degraded");
    expect(health.probes()).toEqual([{ checker: "a", status: "running" }, { checker: "b", status: "failed", error: "refused" }]);
    const healed = changes(report("b", [{ status: "running" }], 3000));
    expect(healed.map((e) => e.type)).toEqual(["ProbeSucceeded", "NodeHealthy"]);
  });

  test("a warning failure shows as failed with severity warning and does not degrade the node", () => {
    const { health, changes } = nodeHealth("n1", [check("w", { severity: "warning" })]);
    const events = changes(report("w", [{ status: "failed", error: "slow" }]));
    expect(events.map((e) => e.type)).toEqual(["ProbeFailed"]);
    expect(health.probes()).toEqual([{ checker: "w", status: "failed", error: "slow", severity: "warning" }]);
    expect(health.nodeStatus()).toBe("running");
  });

  test("flap damping keeps showing running until enough failures arrive", () => {
    const { health, changes } = nodeHealth("n1", [check("d", { failuresBeforeCritical: 3 })]);
    expect(changes(report("d", [{ status: "failed", error: "x" }]))).toEqual([]);
    expect(changes(report("d", [{ status: "failed", error: "x" }]))).toEqual([]);
    expect(health.probes()).toEqual([{ checker: "d", status: "running" }]);
    expect(changes(report("d", [{ status: "failed", error: "x" }])).map((e) => e.type)).toEqual(["ProbeFailed", "NodeDegraded"]);
    expect(health.checks()[0]?.consecutiveFailures).toBe(3);
  });

  test("a check reporting several outcomes shows each (one per failed unit)", () => {
    const { health } = nodeHealth("n1", [check("systemd")]);
    health.apply(report("systemd", [{ status: "failed", detail: "a.service" }, { status: "failed", detail: "b.service" }]));
    expect(health.probes().map((p) => p.detail)).toEqual(["a.service", "b.service"]);
  });
});
