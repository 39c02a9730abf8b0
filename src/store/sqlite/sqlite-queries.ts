import type { Database } from "bun:sqlite";
import type { EventQuery, ProbeSample, SampleQuery, TimelineEvent, TimelineEventType } from "../history-store.ts";
import type { ProbeStatus, Severity } from "../../events/health-state.ts";
import { compareNodeChecker, DEFAULT_EVENT_LIMIT, DEFAULT_SAMPLE_LIMIT, effectiveLimit } from "../filters.ts";
import { bucketStart, normaliseStepMs, type LatestQuery, type SeriesPoint, type SeriesQuery } from "../series.ts";

type Param = string | number;

interface EventRow {
  timestamp: number;
  type: string;
  node: string;
  probe: string;
  oldState: string;
  newState: string;
  error: string;
}

interface SampleRow {
  ts: number;
  node: string;
  checker: string;
  status: string;
  severity: string | null;
  duration_ms: number;
  error: string | null;
}

export function queryEvents(db: Database, q: EventQuery): TimelineEvent[] {
  const where: string[] = [];
  const params: Param[] = [];
  if (q.node !== undefined) add(where, params, "node = ?", q.node);
  if (q.probe !== undefined) add(where, params, "probe = ?", q.probe);
  if (q.type !== undefined) add(where, params, "type = ?", q.type);
  if (q.sinceMs !== undefined) add(where, params, "timestamp >= ?", q.sinceMs);
  params.push(effectiveLimit(q.limit, DEFAULT_EVENT_LIMIT));
  const sql = `SELECT timestamp, type, node, probe, oldState, newState, error FROM events ${clause(where)}
               ORDER BY timestamp DESC, id DESC LIMIT ?`;
  return (db.query(sql).all(...params) as EventRow[]).map(toEvent);
}

/** The newest `limit` matching samples, returned oldest first. */
export function querySamples(db: Database, q: SampleQuery): ProbeSample[] {
  const where: string[] = [];
  const params: Param[] = [];
  if (q.checker !== undefined) add(where, params, "checker = ?", q.checker);
  if (q.node !== undefined) add(where, params, "node = ?", q.node);
  if (q.sinceMs !== undefined) add(where, params, "ts >= ?", q.sinceMs);
  if (q.untilMs !== undefined) add(where, params, "ts < ?", q.untilMs);
  params.push(effectiveLimit(q.limit, DEFAULT_SAMPLE_LIMIT));
  const sql = `SELECT ts, node, checker, status, severity, duration_ms, error FROM samples ${clause(where)}
               ORDER BY ts DESC, rowid DESC LIMIT ?`;
  return (db.query(sql).all(...params) as SampleRow[]).map(toSample).reverse();
}

/** Buckets from the minute aggregates, which cover every sample ever written within retention. */
export function querySeries(db: Database, q: SeriesQuery, nowMs: number): SeriesPoint[] {
  const stepMs = normaliseStepMs(q.stepMs);
  const where = ["checker = ?", "minute >= ?", "minute < ?"];
  const params: Param[] = [q.checker, bucketStart(q.sinceMs, stepMs), q.untilMs ?? nowMs + 1];
  if (q.node !== undefined) add(where, params, "node = ?", q.node);
  const sql = `SELECT (minute / ${stepMs}) * ${stepMs} AS ts, SUM(count) AS count, SUM(failures) AS failures,
                      MIN(min_ms) AS minMs, SUM(sum_ms) AS sumMs, MAX(max_ms) AS maxMs
               FROM samples_1m ${clause(where)} GROUP BY 1 ORDER BY 1`;
  const rows = db.query(sql).all(...params) as (Omit<SeriesPoint, "avgMs"> & { sumMs: number })[];
  return rows.map((r) => ({
    ts: r.ts,
    count: r.count,
    failures: r.failures,
    minMs: r.minMs,
    avgMs: r.count === 0 ? 0 : r.sumMs / r.count,
    maxMs: r.maxMs,
  }));
}

/** One statement, one index seek per series: cheap even with millions of samples. */
export function queryLatest(db: Database, q: LatestQuery): ProbeSample[] {
  const where: string[] = [];
  const params: Param[] = [];
  if (q.checker !== undefined) add(where, params, "series.checker = ?", q.checker);
  if (q.node !== undefined) add(where, params, "series.node = ?", q.node);
  const sql = `SELECT s.ts, s.node, s.checker, s.status, s.severity, s.duration_ms, s.error
               FROM series JOIN samples AS s ON s.rowid =
                 (SELECT rowid FROM samples WHERE checker = series.checker AND node = series.node
                  ORDER BY ts DESC, rowid DESC LIMIT 1)
               ${clause(where)}`;
  return (db.query(sql).all(...params) as SampleRow[]).map(toSample).sort(compareNodeChecker);
}

function add(where: string[], params: Param[], cond: string, value: Param): void {
  where.push(cond);
  params.push(value);
}

function clause(where: string[]): string {
  return where.length === 0 ? "" : `WHERE ${where.join(" AND ")}`;
}

function toEvent(r: EventRow): TimelineEvent {
  const e: TimelineEvent = { timestamp: r.timestamp, type: r.type as TimelineEventType };
  if (r.node) e.node = r.node;
  if (r.probe) e.probe = r.probe;
  if (r.oldState) e.oldState = r.oldState;
  if (r.newState) e.newState = r.newState;
  if (r.error) e.error = r.error;
  return e;
}

function toSample(r: SampleRow): ProbeSample {
  const s: ProbeSample = {
    ts: r.ts,
    node: r.node,
    checker: r.checker,
    status: r.status as ProbeStatus,
    durationMs: r.duration_ms,
  };
  if (r.severity) s.severity = r.severity as Severity;
  if (r.error) s.error = r.error;
  return s;
}
