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
  /** `unknown` during start-up: no claim of health before every check has had its say. */
  private status: NodeStatus = "unknown";
  /** Until every check reported once, or endStartup() (the first timeouts have passed). */
  private startingUp = true;
  private version = 0;

  constructor(
    private readonly nodeName: string,
    checks: readonly TrackedCheck[],
    private readonly events: Pick<EventStream, "publish">,
  ) {
    for (const check of checks) {
      this.states.set(check.name, { check, damping: INITIAL_DAMPING, shown: [] });
    }
    if (checks.length === 0) this.status = this.currentStatus();
  }

  /**
   * Ends start-up although some check has not reported yet (the agent calls it once every
   * check's first run should have ended, timeouts included); the node's status is then what
   * the checks that did report show. Publishes the change, if any.
   */
  endStartup(atMs: number): void {
    if (!this.startingUp) return;
    this.startingUp = false;
    this.publishStatusChange(atMs);
  }

  /**
   * Replaces the tracked checks (a reloaded configuration): a check whose definition did not
   * change (same name, not in `changed`) keeps its shown probes and flap-damping state; a new
   * or changed one starts over and shows nothing until it runs; a removed one disappears.
   * Publishes the node status change the new set causes.
   */
  setChecks(checks: readonly TrackedCheck[], changed: ReadonlySet<string>, atMs: number): void {
    const before = new Map(this.states);
    this.states.clear();
    for (const check of checks) {
      const kept = changed.has(check.name) ? undefined : before.get(check.name);
      this.states.set(check.name, kept ? { ...kept, check } : { check, damping: INITIAL_DAMPING, shown: [] });
    }
    this.version++;
    this.publishStatusChange(atMs);
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
    const statusChange = this.statusChange(at);
    if (statusChange) changes.push(statusChange);
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

  /** The status the checks show now: `unknown` while starting up and some check has not reported. */
  private currentStatus(): NodeStatus {
    if (this.startingUp) {
      if ([...this.states.values()].some((s) => s.lastRunAtMs === undefined)) return "unknown";
      this.startingUp = false;
    }
    return nodeStatusOf(this.probes());
  }

  /**
   * Moves to the current status and returns the event for it. Leaving `unknown` for
   * `running` is no news (as the cluster timeline treats other nodes); for `degraded` it is.
   */
  private statusChange(at: number): AgentEventInput | undefined {
    const status = this.currentStatus();
    const old = this.status;
    if (status === old) return undefined;
    this.status = status;
    if (status === "unknown" || (old === "unknown" && status === "running")) return undefined;
    return { ts: at, type: status === "degraded" ? "NodeDegraded" : "NodeHealthy", node: this.nodeName, oldState: old, newState: status };
  }

  private publishStatusChange(at: number): void {
    const change = this.statusChange(at);
    if (change) this.events.publish(change);
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
