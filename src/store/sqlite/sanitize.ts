import { TIMELINE_ERROR_CHARS_MAX } from "../../events/timeline-event.ts";
import type { ProbeSample, TimelineEvent } from "../history-store.ts";

/**
 * Rows are checked before they reach SQLite so that one malformed row cannot fail a whole
 * transaction again and again (it would otherwise sit in the retry buffer and block every
 * later write). Fixable values are fixed (non-finite duration -> 0, fractional ms rounded);
 * rows without a time or name are refused and counted.
 */
export function sanitizeSample(s: ProbeSample): ProbeSample | undefined {
  if (!isString(s?.node) || !isString(s.checker) || !isString(s.status) || !Number.isFinite(s.ts)) return undefined;
  const out: ProbeSample = {
    ts: Math.round(s.ts),
    node: s.node,
    checker: s.checker,
    status: s.status,
    durationMs: Number.isFinite(s.durationMs) ? s.durationMs : 0,
  };
  if (isString(s.severity)) out.severity = s.severity;
  if (isString(s.error)) out.error = s.error;
  return out;
}

export function sanitizeEvent(e: TimelineEvent): TimelineEvent | undefined {
  if (!isString(e?.type) || !Number.isFinite(e.timestamp)) return undefined;
  const out: TimelineEvent = { timestamp: Math.round(e.timestamp), type: e.type };
  if (isString(e.node)) out.node = e.node;
  if (isString(e.probe)) out.probe = e.probe;
  if (isString(e.oldState)) out.oldState = e.oldState;
  if (isString(e.newState)) out.newState = e.newState;
  if (isString(e.error)) out.error = e.error.slice(0, TIMELINE_ERROR_CHARS_MAX);
  return out;
}

function isString(value: unknown): value is string {
  return typeof value === "string" && value !== "";
}

/** SQLite errors that go away by themselves or by an operator fixing the disk: worth retrying. */
export function isTransientSqliteError(kind: string): boolean {
  return /^SQLITE_(FULL|IOERR|READONLY|BUSY|LOCKED|CANTOPEN|PERM|NOMEM|PROTOCOL)/.test(kind);
}
