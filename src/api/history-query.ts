import { TIMELINE_EVENT_TYPES, type EventQuery, type TimelineEventType } from "../store/history-store.ts";
import type { SeriesQuery } from "../store/series.ts";
import type { MetricSeriesQuery } from "../store/metric-series.ts";
import { isMetricName, METRIC_KEY_CHARS, METRIC_NAME_CHARS_MAX } from "../events/metric-bounds.ts";
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
  metric?: string;
  node?: string;
  peer?: string;
  since?: string;
  until?: string;
  step?: string;
}
export const SERIES_QUERY_PARAMS = ["checker", "metric", "node", "peer", "since", "until", "step"] as const satisfies readonly (keyof SeriesQueryText)[];

/** What GET /history/series plots: one checker's runs, or one measured number. */
export type SeriesRequest = { of: "checker"; query: SeriesQuery } | { of: "metric"; query: MetricSeriesQuery };

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

/**
 * Builds a SeriesRequest from GET /history/series's parameters (since 1h and step 1m by
 * default): `checker=NAME` for a check's runs, or `metric=NAME` (with an optional `peer`) for
 * one measured number.
 */
export function parseSeriesQuery(params: SeriesQueryText, nowMs: number): Parsed<SeriesRequest> {
  const example = "e.g. /history/series?checker=disk-space&since=24h&step=5m or /history/series?metric=disk-space.usedPercent&node=n1";
  if (params.checker === undefined && params.metric === undefined) return fail("checker or metric is required", example);
  if (params.checker !== undefined && params.metric !== undefined) return fail("give checker or metric, not both", example);
  if (params.peer !== undefined && params.metric === undefined) return fail("peer goes with metric (per-peer numbers such as metric=peer.rttP95Ms)", example);
  const common: { node?: string; sinceMs: number; untilMs?: number; stepMs: number } = { sinceMs: 0, stepMs: 0 };
  if (params.node !== undefined) {
    const node = readName("node", params.node);
    if (typeof node !== "string") return fail(node.error);
    common.node = node;
  }
  const since = readTime("since", params.since ?? "1h", nowMs);
  if (typeof since === "string") return fail(since);
  common.sinceMs = since;
  if (params.until !== undefined) {
    const until = readTime("until", params.until, nowMs);
    if (typeof until === "string") return fail(until);
    if (until <= since) return fail(`until (${new Date(until).toISOString()}) must be after since (${new Date(since).toISOString()})`);
    common.untilMs = until;
  }
  const step = readDuration("step", params.step ?? "1m", 1000, STEP_MS_MAX);
  if (typeof step === "string") return fail(step);
  common.stepMs = step;
  if (params.metric !== undefined) {
    if (!isMetricName(params.metric)) {
      const shown = params.metric.length > 64 ? `${params.metric.slice(0, 64)}...` : params.metric;
      return fail(`metric must be 1 to ${METRIC_NAME_CHARS_MAX} characters of ${METRIC_KEY_CHARS}, not starting with . or - (got "${shown}")`, "e.g. metric=host-metrics.cpu.usedPercent; docs/history.md lists the names");
    }
    const query: MetricSeriesQuery = { metric: params.metric, ...common };
    if (params.peer !== undefined) {
      const peer = readName("peer", params.peer);
      if (typeof peer !== "string") return fail(peer.error);
      query.peer = peer;
    }
    return { ok: true, value: { of: "metric", query } };
  }
  const checker = readName("checker", params.checker as string);
  if (typeof checker !== "string") return fail(checker.error);
  return { ok: true, value: { of: "checker", query: { checker, ...common } } };
}
