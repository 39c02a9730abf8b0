/**
 * The agent's HTTP API as the dashboard reads it. Paths are relative to the page (/ui/), so
 * a dashboard behind a reverse proxy under a prefix keeps working. Every answer is read
 * defensively (status-model.ts, timeline-model.ts, series-model.ts).
 */
import type { Range, TimelineFilter } from "./router.ts";
import { readClusterStatus, type ClusterModel } from "./status-model.ts";
import { INTAKE_PREFIX, readMetricNames } from "./intake-model.ts";
import { readSeries, type Series } from "./series-model.ts";
import { readTimeline, type TimelineRow } from "./timeline-model.ts";

export class ApiError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

export function apiUrl(path: string, params: Record<string, string | undefined> = {}): string {
  const url = new URL(`..${path}`, location.href);
  for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== "") url.searchParams.set(key, value);
  return url.toString();
}

/** JSON of a 2xx (and, for /status, the 503 of a degraded cluster); anything else is an ApiError with the agent's message. */
async function getJson(url: string, okStatuses: readonly number[] = [], signal?: AbortSignal): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(url, { headers: { accept: "application/json" }, signal });
  } catch (error) {
    throw new ApiError(`cannot reach the agent (${error instanceof Error ? error.message : String(error)})`);
  }
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    throw new ApiError(`the agent answered ${response.status} without JSON`, response.status);
  }
  if (response.ok || okStatuses.includes(response.status)) return body;
  const message = typeof body === "object" && body !== null && typeof (body as { error?: unknown }).error === "string" ? (body as { error: string }).error : `HTTP ${response.status}`;
  throw new ApiError(message, response.status);
}

export async function fetchStatus(options: { details?: boolean; signal?: AbortSignal } = {}): Promise<ClusterModel> {
  // always200: the verdict is in the body; a degraded cluster's 503 would be a console error on every refresh.
  return readClusterStatus(await getJson(apiUrl("/status", { details: options.details ? "1" : undefined, always200: "1" }), [503], options.signal));
}

export const TIMELINE_LIMIT = 500;

export async function fetchTimeline(filter: TimelineFilter, signal?: AbortSignal): Promise<TimelineRow[]> {
  const url = apiUrl("/history", { node: filter.node, probe: filter.probe, type: filter.type, since: filter.since, limit: String(TIMELINE_LIMIT) });
  return readTimeline(await getJson(url, [], signal));
}

/** Bucket width per plot range: 60, 96 and 168 points. */
export const RANGE_STEP: Readonly<Record<Range, string>> = { "1h": "1m", "24h": "15m", "7d": "1h" };

/** A check's run durations on one node (avg and max per bucket, failures). */
export async function fetchProbeSeries(node: string, checker: string, range: Range, signal?: AbortSignal): Promise<Series> {
  return readSeries(await getJson(apiUrl("/history/series", { checker, node, since: range, step: RANGE_STEP[range] }), [], signal));
}

/** A measured number (`<check>.<key>`, `peer.rttP95Ms`) on one node, optionally about one peer. */
export async function fetchMetricSeries(node: string, metric: string, range: Range, peer?: string, signal?: AbortSignal): Promise<Series> {
  return readSeries(await getJson(apiUrl("/history/series", { metric, node, peer, since: range, step: RANGE_STEP[range] }), [], signal));
}

/** The names of a node's statsd and graphite intake series in this agent's history. */
export async function fetchIntakeSeriesNames(node: string, signal?: AbortSignal): Promise<string[]> {
  return readMetricNames(await getJson(apiUrl("/history/metrics", { node, prefix: INTAKE_PREFIX, limit: "1000" }), [], signal));
}
