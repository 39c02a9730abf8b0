import { TIMELINE_ERROR_CHARS_MAX } from "../events/timeline-event.ts";
import type { EventQuery, ProbeSample, SampleQuery, TimelineEvent } from "./history-store.ts";

export const DEFAULT_EVENT_LIMIT = 1000;
export const DEFAULT_SAMPLE_LIMIT = 10_000;

/** Two events with the same key are the same event (the original's "duplicates ignored"). */
export function eventKey(e: TimelineEvent): string {
  return JSON.stringify([e.timestamp, e.type, e.node ?? "", e.probe ?? "", e.oldState ?? "", e.newState ?? ""]);
}

export function eventMatches(e: TimelineEvent, q: EventQuery): boolean {
  if (q.node !== undefined && e.node !== q.node) return false;
  if (q.probe !== undefined && e.probe !== q.probe) return false;
  if (q.type !== undefined && e.type !== q.type) return false;
  if (q.sinceMs !== undefined && e.timestamp < q.sinceMs) return false;
  return true;
}

export function sampleMatches(s: ProbeSample, q: SampleQuery): boolean {
  if (q.node !== undefined && s.node !== q.node) return false;
  if (q.checker !== undefined && s.checker !== q.checker) return false;
  if (q.sinceMs !== undefined && s.ts < q.sinceMs) return false;
  if (q.untilMs !== undefined && s.ts >= q.untilMs) return false;
  return true;
}

/** A non-negative whole limit; anything else falls back to the default. */
export function effectiveLimit(limit: number | undefined, fallback: number): number {
  if (limit === undefined || !Number.isFinite(limit) || limit < 0) return fallback;
  return Math.floor(limit);
}

/** Drops undefined fields so stored and returned objects compare equal. */
export function cleanEvent(e: TimelineEvent): TimelineEvent {
  const out: TimelineEvent = { timestamp: e.timestamp, type: e.type };
  if (e.node) out.node = e.node;
  if (e.probe) out.probe = e.probe;
  if (e.oldState) out.oldState = e.oldState;
  if (e.newState) out.newState = e.newState;
  if (e.error) out.error = e.error.slice(0, TIMELINE_ERROR_CHARS_MAX);
  return out;
}

export function cleanSample(s: ProbeSample): ProbeSample {
  const out: ProbeSample = { ts: s.ts, node: s.node, checker: s.checker, status: s.status, durationMs: s.durationMs };
  if (s.severity) out.severity = s.severity;
  if (s.error) out.error = s.error;
  return out;
}

/** Order of `queryLatest`: by node, then checker (code-unit order, locale-independent). */
export function compareNodeChecker(a: ProbeSample, b: ProbeSample): number {
  if (a.node !== b.node) return a.node < b.node ? -1 : 1;
  if (a.checker !== b.checker) return a.checker < b.checker ? -1 : 1;
  return 0;
}
