import type { Logger } from "../platform/logger.ts";
import type { CheckRunReport } from "../probes/scheduler.ts";
import type { HistoryStore, ProbeSample, TimelineEvent } from "../store/history-store.ts";
import type { TrackedCheck } from "../probes/node-health.ts";

/** Turns a finished run into history samples (one per outcome) and writes them with its events. */
export function createHistoryRecorder(store: HistoryStore, nodeName: string, checks: readonly TrackedCheck[], logger: Logger) {
  const severityOf = new Map(checks.map((c) => [c.name, c.severity]));
  return {
    record(report: CheckRunReport, events: readonly TimelineEvent[]): void {
      const ts = report.startedAtMs;
      const outcomes = report.outcomes.length > 0 ? report.outcomes : [{ status: "running" as const }];
      const samples: ProbeSample[] = outcomes.map((o) => ({
        ts,
        node: nodeName,
        checker: report.name,
        status: o.status,
        severity: o.status === "failed" ? (o.severity ?? severityOf.get(report.name)) : undefined,
        durationMs: report.durationMs,
        error: o.error,
      }));
      // Store writes never throw by contract; a rejected promise here would be a store bug.
      store.appendSamples(samples).catch((error: unknown) => logger.error("history write failed", { error }));
      if (events.length > 0) store.appendEvents(events).catch((error: unknown) => logger.error("history write failed", { error }));
    },
  };
}
