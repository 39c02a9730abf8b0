import type { AgentEvent, ProbeRunEvent } from "../events/agent-event.ts";
import type { EventStream } from "../events/event-stream.ts";
import { toTimelineEvent, type TimelineEvent } from "../events/timeline-event.ts";
import type { Logger } from "../platform/logger.ts";
import type { HistoryStore, ProbeSample } from "../store/history-store.ts";

/**
 * Keeps the stream in history: every ProbeRun as samples (one per outcome), every timeline
 * event in the timeline. Timeline events published in one synchronous burst (a run and the
 * node and cluster changes it caused) are written together, in one store call. With
 * `afterSeq`, the retained events published after it (before the store was open) are written
 * first, in order, so none is lost between them and the subscription.
 * Returns the unsubscribe function.
 */
export function recordHistory(events: EventStream, store: HistoryStore, logger: Logger, afterSeq?: number): () => void {
  let batch: TimelineEvent[] = [];
  const failed = (error: unknown) => logger.error("history write failed", { error });
  const flush = (): void => {
    const entries = batch;
    batch = [];
    // Store writes never throw by contract; a rejected promise here would be a store bug.
    store.appendEvents(entries).catch(failed);
  };
  const record = (event: AgentEvent): void => {
    if (event.type === "ProbeRun") {
      store.appendSamples(samplesOf(event)).catch(failed);
      return;
    }
    const entry = toTimelineEvent(event);
    if (!entry) return;
    if (batch.length === 0) queueMicrotask(flush);
    batch.push(entry);
  };
  if (afterSeq !== undefined) {
    const missed = events.since(afterSeq);
    if (missed) for (const event of missed) record(event);
    else logger.warn("the history misses events published before it opened: more than the stream retains", { afterSeq, lastSeq: events.lastSeq() });
  }
  return events.subscribe("history", record);
}

export function samplesOf(run: ProbeRunEvent): ProbeSample[] {
  const outcomes = run.outcomes.length > 0 ? run.outcomes : [{ status: "running" as const, severity: undefined, error: undefined }];
  return outcomes.map((o) => ({
    ts: run.startedAtMs,
    node: run.node,
    checker: run.probe,
    status: o.status,
    severity: o.status === "failed" ? (o.severity ?? run.severity) : undefined,
    durationMs: run.durationMs,
    error: o.error,
  }));
}
