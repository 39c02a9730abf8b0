import type { AgentEventInput, ProbeOutcomeFact } from "../events/agent-event.ts";
import type { EventStream } from "../events/event-stream.ts";
import { boundRunMetrics } from "../events/metric-bounds.ts";
import { applyDamping, INITIAL_DAMPING, type DampingState, type DampingThresholds } from "./flap-damping.ts";
import { nodeStatusOf } from "./node-status.ts";
import { outcomesToProbes } from "./outcome-to-probe.ts";
import type { NodeStatus, Probe, Severity } from "../events/health-state.ts";
import type { CheckRunReport } from "./scheduler.ts";

export interface TrackedCheck extends DampingThresholds {
  name: string;
  kind: string;
  intervalMs: number;
  timeoutMs: number;
  severity: Severity;
}

/** What `satellite checks` shows of one check. */
export interface CheckView {
  name: string;
  kind: string;
  intervalMs: number;
  timeoutMs: number;
  probes: Probe[];
  lastRunAtMs?: number;
  lastDurationMs?: number;
  consecutiveFailures: number;
}

interface CheckState {
  check: TrackedCheck;
  damping: DampingState;
  shown: Probe[];
  lastRunAtMs?: number;
  lastDurationMs?: number;
}

/**
 * This node's health as its probes show it, after flap damping. Turns each run report into
 * the probes shown in /local, and publishes the run (ProbeRun) and the changes it caused
 * (ProbeFailed / ProbeSucceeded, NodeDegraded / NodeHealthy), in that order, after its own
 * state is updated: a subscriber that reads it sees the state the events describe.
 */
export class NodeHealth {
  private readonly states = new Map<string, CheckState>();
  private status: NodeStatus = "running";
  private version = 0;

  constructor(
    private readonly nodeName: string,
    checks: readonly TrackedCheck[],
    private readonly events: Pick<EventStream, "publish">,
  ) {
    for (const check of checks) {
      this.states.set(check.name, { check, damping: INITIAL_DAMPING, shown: [] });
    }
  }

  /** Applies one run and publishes what it caused; a report for an unknown check is ignored. */
  apply(report: CheckRunReport): void {
    const state = this.states.get(report.name);
    if (!state) return;
    const { check } = state;
    const raw = outcomesToProbes(report.name, report.outcomes, check.severity);
    const failed = raw.some((p) => p.status === "failed");
    const before = state.damping.stable;
    state.damping = applyDamping(state.damping, failed, check);
    state.lastRunAtMs = report.startedAtMs;
    state.lastDurationMs = report.durationMs;
    const showRaw = (state.damping.stable === "failing") === failed;
    if (showRaw) state.shown = raw;
    else if (state.shown.length === 0) state.shown = [{ checker: report.name, status: "running" }];
    const at = report.startedAtMs + report.durationMs;
    const changes: AgentEventInput[] = [];
    if (before !== state.damping.stable) {
      const nowFailing = state.damping.stable === "failing";
      changes.push({
        ts: at,
        type: nowFailing ? "ProbeFailed" : "ProbeSucceeded",
        node: this.nodeName,
        probe: report.name,
        oldState: nowFailing ? "running" : "failed",
        newState: nowFailing ? "failed" : "running",
        severity: check.severity,
        error: nowFailing ? (raw.find((p) => p.status === "failed")?.error ?? report.error) : undefined,
      });
    }
    const status = nodeStatusOf(this.probes());
    if (status !== this.status) {
      changes.push({ ts: at, type: status === "degraded" ? "NodeDegraded" : "NodeHealthy", node: this.nodeName, oldState: this.status, newState: status });
      this.status = status;
    }
    this.version++;
    this.events.publish({
      ts: at,
      type: "ProbeRun",
      node: this.nodeName,
      probe: report.name,
      checkKind: check.kind,
      startedAtMs: report.startedAtMs,
      durationMs: report.durationMs,
      lagMs: report.lagMs,
      status: failed ? "failed" : "running",
      severity: check.severity,
      error: report.error,
      // Bounded here, once, so every subscriber (time series, /events) sees the same numbers.
      outcomes: boundRunMetrics(report.outcomes.map(outcomeFact)).outcomes,
    });
    for (const change of changes) this.events.publish(change);
  }

  /** Every shown probe, checks in configuration order. */
  probes(): Probe[] {
    return [...this.states.values()].flatMap((s) => s.shown);
  }

  nodeStatus(): NodeStatus {
    return this.status;
  }

  /** Increases on every applied report; lets callers notice change cheaply. */
  changeVersion(): number {
    return this.version;
  }

  checks(): CheckView[] {
    return [...this.states.values()].map((s) => ({
      name: s.check.name,
      kind: s.check.kind,
      intervalMs: s.check.intervalMs,
      timeoutMs: s.check.timeoutMs,
      probes: s.shown,
      lastRunAtMs: s.lastRunAtMs,
      lastDurationMs: s.lastDurationMs,
      consecutiveFailures: s.damping.consecutiveFailures,
    }));
  }
}

function outcomeFact(outcome: CheckRunReport["outcomes"][number]): ProbeOutcomeFact {
  const fact: ProbeOutcomeFact = { status: outcome.status };
  if (outcome.severity) fact.severity = outcome.severity;
  if (outcome.error !== undefined) fact.error = outcome.error;
  if (outcome.detail !== undefined) fact.detail = outcome.detail;
  if (outcome.code !== undefined) fact.code = outcome.code;
  if (outcome.metrics) fact.metrics = outcome.metrics;
  return fact;
}
