import { describe, expect, test } from "bun:test";
import { NodeHealth, type TrackedCheck } from "../../src/probes/node-health.ts";
import type { CheckOutcome } from "../../src/probes/check-outcome.ts";

const check = (name: string, extra: Partial<TrackedCheck> = {}): TrackedCheck => ({
  name, kind: "tcp", intervalMs: 1000, timeoutMs: 500, severity: "critical", failuresBeforeCritical: 1, successesBeforePassing: 1, ...extra,
});
const report = (name: string, outcomes: CheckOutcome[], at = 1000) => ({ name, startedAtMs: at, durationMs: 5, outcomes, lagMs: 0 });

describe("NodeHealth", () => {
  test("a critical failure degrades the node and records ProbeFailed then NodeDegraded", () => {
    const health = new NodeHealth("n1", [check("a"), check("b")]);
    expect(health.apply(report("a", [{ status: "running" }]))).toEqual([]);
    const events = health.apply(report("b", [{ status: "failed", error: "refused" }], 2000));
    expect(events.map((e) => e.type)).toEqual(["ProbeFailed", "NodeDegraded"]);
    expect(events[0]).toMatchObject({ node: "n1", probe: "b", oldState: "running", newState: "failed", timestamp: 2005 });
    expect(health.nodeStatus()).toBe("degraded");
    expect(health.probes()).toEqual([{ checker: "a", status: "running" }, { checker: "b", status: "failed", error: "refused" }]);
    const healed = health.apply(report("b", [{ status: "running" }], 3000));
    expect(healed.map((e) => e.type)).toEqual(["ProbeSucceeded", "NodeHealthy"]);
  });

  test("a warning failure shows as failed with severity warning and does not degrade the node", () => {
    const health = new NodeHealth("n1", [check("w", { severity: "warning" })]);
    const events = health.apply(report("w", [{ status: "failed", error: "slow" }]));
    expect(events.map((e) => e.type)).toEqual(["ProbeFailed"]);
    expect(health.probes()).toEqual([{ checker: "w", status: "failed", error: "slow", severity: "warning" }]);
    expect(health.nodeStatus()).toBe("running");
  });

  test("flap damping keeps showing running until enough failures arrive", () => {
    const health = new NodeHealth("n1", [check("d", { failuresBeforeCritical: 3 })]);
    health.apply(report("d", [{ status: "failed", error: "x" }]));
    health.apply(report("d", [{ status: "failed", error: "x" }]));
    expect(health.probes()).toEqual([{ checker: "d", status: "running" }]);
    expect(health.apply(report("d", [{ status: "failed", error: "x" }])).map((e) => e.type)).toEqual(["ProbeFailed", "NodeDegraded"]);
    expect(health.checks()[0]?.consecutiveFailures).toBe(3);
  });

  test("a check reporting several outcomes shows each (one per failed unit)", () => {
    const health = new NodeHealth("n1", [check("systemd")]);
    health.apply(report("systemd", [{ status: "failed", detail: "a.service" }, { status: "failed", detail: "b.service" }]));
    expect(health.probes().map((p) => p.detail)).toEqual(["a.service", "b.service"]);
  });
});
