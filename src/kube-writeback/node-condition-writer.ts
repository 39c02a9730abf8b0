import type { Severity } from "../events/health-state.ts";
import type { EventStream } from "../events/event-stream.ts";
import { describeKubeError, type KubeConnector } from "../kube/kube-api.ts";
import type { Clock, Timer } from "../platform/clock.ts";
import type { Logger } from "../platform/logger.ts";
import { createRateLimitedLog } from "../platform/rate-limited-log.ts";
import { kubeTime } from "./kube-time.ts";
import { conditionPatch, desiredCondition, nextCondition, readCondition, sameCondition, type WrittenCondition } from "./node-condition.ts";

export interface NodeConditionWriterOptions {
  /** This node's name, which is also its Node object's name. */
  nodeName: string;
  /** Every check this agent runs: the first write waits until each has shown its state. */
  checks: readonly string[];
  events: EventStream;
  kube: KubeConnector;
  /** Undefined: KUBECONFIG, else in-cluster (src/kube/kubeconfig-files.ts). */
  kubeconfig: string | undefined;
  clock: Clock;
  logger: Logger;
  /** The condition is written again this often while nothing changes (node-problem-detector's heartbeat, 5 minutes). */
  heartbeatMs?: number;
  /** After a failed write, the next attempt comes this much later. */
  retryMs?: number;
  /** The first write happens by then even when some check has not shown its state yet. */
  startDeadlineMs?: number;
  /** One API call (read or patch) is given up after this. */
  requestTimeoutMs?: number;
}

export interface NodeConditionWriterStats {
  writes: number;
  failures: number;
  lastError?: string;
}

export interface NodeConditionWriter {
  /** The condition as last written or read from the Node; undefined before either. */
  written(): WrittenCondition | undefined;
  stats(): NodeConditionWriterStats;
  /** Resolves when no write is under way (tests, orderly shutdown). */
  idle(): Promise<void>;
  /** Unsubscribes and cancels timers; resolves when the write under way (if any) is done. */
  stop(): Promise<void>;
}

const HEARTBEAT_MS = 5 * 60_000;
const RETRY_MS = 10_000;
const START_DEADLINE_MS = 5 * 60_000;
const REQUEST_TIMEOUT_MS = 10_000;
/** A failing API is logged once per this, not once per attempt. */
const FAILURE_LOG_INTERVAL_MS = 60_000;

/**
 * Keeps the SatelliteDegraded condition on this node's Node object, as node-problem-detector
 * keeps its conditions: driven by the agent's event stream (ProbeRun, ProbeFailed,
 * ProbeSucceeded of this node), written with a strategic-merge patch of `nodes/NAME/status`.
 *
 * Only the newest state matters, so the listener only updates a small state and at most one
 * write is under way; changes that arrive meanwhile are folded into the next write (no queue,
 * nothing to drop). The first write waits until every check has shown its state (ran passing,
 * or reached its failed state), so a restart never claims health that the probes have not
 * confirmed; it then clears a True left from before the restart (a clean start writes False).
 * The condition is rewritten every heartbeat and retried after a failure.
 */
export function startNodeConditionWriter(options: NodeConditionWriterOptions): NodeConditionWriter {
  const { clock, logger, nodeName } = options;
  const heartbeatMs = options.heartbeatMs ?? HEARTBEAT_MS;
  const retryMs = options.retryMs ?? RETRY_MS;
  const requestTimeoutMs = options.requestTimeoutMs ?? REQUEST_TIMEOUT_MS;
  const failureLog = createRateLimitedLog(logger, () => clock.monotonicMs(), FAILURE_LOG_INTERVAL_MS);
  const failing = new Map<string, Severity>();
  const unsettled = new Set(options.checks);
  const stats: NodeConditionWriterStats = { writes: 0, failures: 0 };
  let ready = unsettled.size === 0;
  let previous: WrittenCondition | undefined;
  let nodeRead = false;
  let forceWrite = true;
  let dirty = false;
  let stopped = false;
  let inflight: Promise<void> | undefined;
  let nextAttempt: Timer | undefined;

  const settle = (probe: string): void => {
    if (unsettled.delete(probe) && unsettled.size === 0) ready = true;
  };

  const schedule = (): void => {
    if (!ready || stopped) return;
    dirty = true;
    inflight ??= flush().finally(() => (inflight = undefined));
  };

  const withTimeout = async <T>(call: (signal: AbortSignal) => Promise<T>): Promise<T> => {
    const controller = new AbortController();
    const timer = clock.setTimer(requestTimeoutMs, () => controller.abort(new Error(`no answer from the API server within ${requestTimeoutMs}ms`)));
    try {
      return await call(controller.signal);
    } finally {
      timer.cancel();
    }
  };

  const armNextAttempt = (delayMs: number): void => {
    nextAttempt?.cancel();
    nextAttempt = clock.setTimer(delayMs, () => {
      forceWrite = true;
      schedule();
    });
  };

  const flush = async (): Promise<void> => {
    while (dirty && !stopped) {
      dirty = false;
      const desired = desiredCondition(failing);
      if (!forceWrite && sameCondition(desired, previous)) continue;
      try {
        await withTimeout(async (signal) => {
          const api = await options.kube.connect(options.kubeconfig, signal);
          if (!nodeRead) {
            // What the Node shows from before this start keeps its lastTransitionTime when the status is unchanged.
            previous = readCondition((await api.readNode(nodeName)).status?.conditions);
            nodeRead = true;
          }
          const nowIso = kubeTime(clock.nowMs());
          const condition = nextCondition(desired, previous, nowIso);
          await api.patchNodeStatus(nodeName, conditionPatch(condition, nowIso));
          previous = condition;
        });
        stats.writes++;
        forceWrite = false;
        armNextAttempt(heartbeatMs);
      } catch (error) {
        stats.failures++;
        stats.lastError = `cannot write condition SatelliteDegraded on node ${nodeName}: ${describeKubeError(error)}`;
        failureLog.log("warn", "node-condition", stats.lastError, { retryInMs: retryMs, hint: "the agent needs RBAC get on nodes and patch on nodes/status (deploy/kubernetes/rbac.yaml)" });
        armNextAttempt(retryMs);
      }
    }
  };

  const unsubscribe = options.events.subscribe("kube-node-condition", (event) => {
    if (event.type === "ProbeRun") {
      if (event.node !== nodeName) return;
      // A failed run below its flap-damping threshold has not shown its state yet.
      if (event.status === "running" || failing.has(event.probe)) settle(event.probe);
      if (ready) schedule();
    } else if (event.type === "ProbeFailed" || event.type === "ProbeSucceeded") {
      if (event.node !== nodeName) return;
      if (event.type === "ProbeFailed") failing.set(event.probe, event.severity);
      else failing.delete(event.probe);
      settle(event.probe);
      schedule();
    }
  });

  const deadline = clock.setTimer(options.startDeadlineMs ?? START_DEADLINE_MS, () => {
    if (ready || stopped) return;
    logger.info("writing the node condition before every check has shown its state", { waitingFor: [...unsettled].slice(0, 10).join(",") });
    ready = true;
    schedule();
  });
  schedule();

  return {
    written: () => previous,
    stats: () => ({ ...stats }),
    idle: async () => {
      while (inflight) await inflight;
    },
    async stop() {
      stopped = true;
      unsubscribe();
      deadline.cancel();
      nextAttempt?.cancel();
      await inflight;
    },
  };
}
