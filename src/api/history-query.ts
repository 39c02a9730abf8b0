import { TIMELINE_EVENT_TYPES, type EventQuery, type TimelineEventType } from "../store/history-store.ts";
import type { SeriesQuery } from "../store/series.ts";
import type { Parsed } from "./json-body.ts";
import { readDuration, readInteger, readName, readTime, STEP_MS_MAX } from "./query-values.ts";

/** GET /history's parameters as text. */
export interface EventQueryText {
  node?: string;
  probe?: string;
  type?: string;
  since?: string;
  limit?: string;
}
export const EVENT_QUERY_PARAMS = ["node", "probe", "type", "since", "limit"] as const satisfies readonly (keyof EventQueryText)[];
export const EVENTS_LIMIT_MAX = 100_000;

/** GET /history/series's parameters as text. */
export interface SeriesQueryText {
  checker?: string;
  node?: string;
  since?: string;
  until?: string;
  step?: string;
}
export const SERIES_QUERY_PARAMS = ["checker", "node", "since", "until", "step"] as const satisfies readonly (keyof SeriesQueryText)[];

const fail = (error: string, hint?: string): { ok: false; error: string; hint?: string } => ({ ok: false, error, hint });

/** Builds an EventQuery from GET /history's parameters; every value strictly checked. */
export function parseEventQuery(params: EventQueryText, nowMs: number): Parsed<EventQuery> {
  const query: EventQuery = {};
  for (const key of ["node", "probe"] as const) {
    const text = params[key];
    if (text === undefined) continue;
    const name = readName(key, text);
    if (typeof name !== "string") return fail(name.error);
    query[key] = name;
  }
  if (params.type !== undefined) {
    if (!(TIMELINE_EVENT_TYPES as readonly string[]).includes(params.type)) {
      return fail(`type "${params.type.slice(0, 64)}" is unknown; allowed: ${TIMELINE_EVENT_TYPES.join(", ")}`);
    }
    query.type = params.type as TimelineEventType;
  }
  if (params.since !== undefined) {
    const since = readTime("since", params.since, nowMs);
    if (typeof since === "string") return fail(since);
    query.sinceMs = since;
  }
  if (params.limit !== undefined) {
    const limit = readInteger("limit", params.limit, 1, EVENTS_LIMIT_MAX);
    if (typeof limit === "string") return fail(limit);
    query.limit = limit;
  }
  return { ok: true, value: query };
}

/** Builds a SeriesQuery from GET /history/series's parameters (since 1h and step 1m by default). */
export function parseSeriesQuery(params: SeriesQueryText, nowMs: number): Parsed<SeriesQuery> {
  if (params.checker === undefined) return fail("checker is required", "e.g. /history/series?checker=disk-space&since=24h&step=5m");
  const checker = readName("checker", params.checker);
  if (typeof checker !== "string") return fail(checker.error);
  const query: SeriesQuery = { checker, sinceMs: 0, stepMs: 0 };
  if (params.node !== undefined) {
    const node = readName("node", params.node);
    if (typeof node !== "string") return fail(node.error);
    query.node = node;
  }
  const since = readTime("since", params.since ?? "1h", nowMs);
  if (typeof since === "string") return fail(since);
  query.sinceMs = since;
  if (params.until !== undefined) {
    const until = readTime("until", params.until, nowMs);
    if (typeof until === "string") return fail(until);
    if (until <= since) return fail(`until (${new Date(until).toISOString()}) must be after since (${new Date(since).toISOString()})`);
    query.untilMs = until;
  }
  const step = readDuration("step", params.step ?? "1m", 1000, STEP_MS_MAX);
  if (typeof step === "string") return fail(step);
  query.stepMs = step;
  return { ok: true, value: query };
}
