import type { TimelineEvent } from "../store/history-store.ts";
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
 * the probes shown in /local and the timeline events a change causes.
 */
export class NodeHealth {
  private readonly states = new Map<string, CheckState>();
  private status: NodeStatus = "running";
  private version = 0;

  constructor(
    private readonly nodeName: string,
    checks: readonly TrackedCheck[],
  ) {
    for (const check of checks) {
      this.states.set(check.name, { check, damping: INITIAL_DAMPING, shown: [] });
    }
  }

  /** Applies one run; returns the timeline events it caused (empty when nothing changed). */
  apply(report: CheckRunReport): TimelineEvent[] {
    const state = this.states.get(report.name);
    if (!state) return [];
    const raw = outcomesToProbes(report.name, report.outcomes, state.check.severity);
    const failed = raw.some((p) => p.status === "failed");
    const before = state.damping.stable;
    state.damping = applyDamping(state.damping, failed, state.check);
    state.lastRunAtMs = report.startedAtMs;
    state.lastDurationMs = report.durationMs;
    const showRaw = (state.damping.stable === "failing") === failed;
    if (showRaw) state.shown = raw;
    else if (state.shown.length === 0) state.shown = [{ checker: report.name, status: "running" }];
    const at = report.startedAtMs + report.durationMs;
    const events: TimelineEvent[] = [];
    if (before !== state.damping.stable) {
      const nowFailing = state.damping.stable === "failing";
      events.push({
        timestamp: at,
        type: nowFailing ? "ProbeFailed" : "ProbeSucceeded",
        node: this.nodeName,
        probe: report.name,
        oldState: nowFailing ? "running" : "failed",
        newState: nowFailing ? "failed" : "running",
      });
    }
    const status = nodeStatusOf(this.probes());
    if (status !== this.status) {
      events.push({ timestamp: at, type: status === "degraded" ? "NodeDegraded" : "NodeHealthy", node: this.nodeName, oldState: this.status, newState: status });
      this.status = status;
    }
    this.version++;
    return events;
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
