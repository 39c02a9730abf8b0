import type { EventHandlerSpec } from "../config/event-handler-spec.ts";
import type { AgentEvent } from "../events/agent-event.ts";
import { subscribeAsync, type AsyncSubscriberStats, type AsyncSubscription } from "../events/async-subscriber.ts";
import { parseEventFilter } from "../events/event-filter.ts";
import type { EventStream } from "../events/event-stream.ts";
import type { Clock } from "../platform/clock.ts";
import { SatelliteError } from "../platform/errors.ts";
import type { Exec, ExecResult } from "../platform/exec.ts";
import type { Logger } from "../platform/logger.ts";
import { handlerEnvironment } from "./handler-environment.ts";

export const EVENT_HANDLER_LIMITS = {
  /** serf's script runner keeps 8 KiB of output. */
  outputBytesMax: 8 * 1024,
  /** serf warns when a handler runs longer than a second. */
  slowWarnMs: 1000,
  /** Events waiting per handler; beyond it the oldest are dropped and counted. */
  queueLengthMax: 256,
} as const;

export interface EventHandlersOptions {
  handlers: readonly EventHandlerSpec[];
  events: EventStream;
  exec: Exec;
  clock: Clock;
  logger: Logger;
  /** This node, for SATELLITE_SELF_NAME, SATELLITE_SELF_ROLE and SATELLITE_TAG_*. */
  self: { name: string; tags: Readonly<Record<string, string>> };
  /** A run still going after this is aborted: its process group is killed. */
  timeoutMs: number;
  queueLengthMax?: number;
  slowWarnMs?: number;
  outputBytesMax?: number;
}

export interface EventHandlerStats extends AsyncSubscriberStats {
  command: string;
  timedOut: number;
}

export interface EventHandlers {
  stats(): EventHandlerStats[];
  /** Resolves when every handler's queue is empty (tests). */
  idle(): Promise<void>;
  /** Unsubscribes every handler and kills the runs under way; queued events are not run. */
  stop(): Promise<void>;
}

/**
 * serf's event handlers: each `--event-handler` is a subscriber with its own bounded queue,
 * running its command once per matching event, one run at a time, in sequence order. A run
 * gets the event as one JSON line on stdin and the handler environment; its output is kept
 * up to 8 KiB (logged at debug, or with the failure); a run slower than a second is warned
 * about, one longer than the timeout is killed with its process group. A failed run is
 * counted and logged by the subscriber and the next event follows.
 */
export function startEventHandlers(options: EventHandlersOptions): EventHandlers {
  const limits = {
    queueLengthMax: options.queueLengthMax ?? EVENT_HANDLER_LIMITS.queueLengthMax,
    slowWarnMs: options.slowWarnMs ?? EVENT_HANDLER_LIMITS.slowWarnMs,
    outputBytesMax: options.outputBytesMax ?? EVENT_HANDLER_LIMITS.outputBytesMax,
  };
  const underway = new Set<AbortController>();
  // Query handlers answer serf queries (query-handlers.ts), not events; numbering stays by position.
  const handlers = options.handlers.flatMap((spec, index) => (spec.query === undefined ? [{ spec, index }] : [])).map(({ spec, index }) => {
    const name = `event-handler-${index + 1}`;
    const logger = options.logger.child({ handler: name });
    const parsed = parseEventFilter(spec.types);
    // The config was validated at load; a filter that does not parse here is a bug.
    if (!parsed.ok) throw new SatelliteError("EVENT_HANDLER_INVALID", `event handler ${index + 1}: ${parsed.error}`);
    const counts = { timedOut: 0 };
    const run = (event: AgentEvent) => runOnce(spec, event, { ...options, ...limits, logger, underway, counts });
    const subscription: AsyncSubscription = subscribeAsync(options.events, { name, queueLengthMax: limits.queueLengthMax, logger, accept: parsed.filter.accepts, handle: run });
    return { spec, subscription, counts };
  });
  return {
    stats: () => handlers.map((h) => ({ command: h.spec.command, ...h.subscription.stats(), timedOut: h.counts.timedOut })),
    idle: async () => void (await Promise.all(handlers.map((h) => h.subscription.idle()))),
    async stop() {
      const stopping = handlers.map((h) => h.subscription.stop());
      for (const controller of underway) controller.abort();
      await Promise.all(stopping);
    },
  };
}

interface RunContext extends Required<Omit<EventHandlersOptions, "handlers" | "events">> {
  underway: Set<AbortController>;
  counts: { timedOut: number };
}

async function runOnce(spec: EventHandlerSpec, event: AgentEvent, context: RunContext): Promise<void> {
  const { clock, logger } = context;
  const controller = new AbortController();
  let timedOut = false;
  const startedMs = clock.monotonicMs();
  const slow = clock.setTimer(context.slowWarnMs, () => {
    logger.warn("event handler slow", { event: event.type, seq: event.seq, exceedingMs: context.slowWarnMs, command: spec.command });
  });
  const timeout = clock.setTimer(context.timeoutMs, () => {
    timedOut = true;
    controller.abort();
  });
  context.underway.add(controller);
  let result: ExecResult;
  try {
    result = await context.exec.run(["/bin/sh", "-c", spec.command], {
      env: handlerEnvironment(context.self, event.type),
      stdin: `${JSON.stringify(event)}\n`,
      signal: controller.signal,
      outputBytesMax: context.outputBytesMax,
    });
  } finally {
    slow.cancel();
    timeout.cancel();
    context.underway.delete(controller);
  }
  const durationMs = Math.round(clock.monotonicMs() - startedMs);
  const output = { stdout: result.stdout.trimEnd(), stderr: result.stderr.trimEnd(), ...(result.truncated ? { outputTruncatedAtBytes: context.outputBytesMax } : {}) };
  // The subscriber logs a failure with its message: the output goes in it.
  const described = `command ${JSON.stringify(spec.command)}, output ${JSON.stringify(output)}`;
  if (result.aborted) {
    if (timedOut) context.counts.timedOut++;
    const why = timedOut ? `did not finish within ${context.timeoutMs}ms; its process group was killed` : "was stopped with the agent; its process group was killed";
    throw new SatelliteError("EVENT_HANDLER_KILLED", `event handler ${why} (${described})`);
  }
  if (result.exitCode !== 0) {
    const how = result.exitCode === null ? `was killed by ${result.signalCode ?? "a signal"}` : `exited with ${result.exitCode}`;
    throw new SatelliteError("EVENT_HANDLER_FAILED", `event handler ${how} after ${durationMs}ms (${described})`);
  }
  if (output.stdout !== "" || output.stderr !== "") logger.debug("event handler output", { event: event.type, seq: event.seq, durationMs, ...output });
}
