import type { Database } from "bun:sqlite";
// Statements come from db.query(): the database caches and finalizes them on close.
import {
  addMetricBucket,
  metricBucketOf,
  metricMinute,
  type MetricBucket,
  type MetricPoint,
  type MetricSample,
  type MetricSeriesQuery,
  type MetricNamesQuery,
  METRIC_NAMES_MAX,
} from "../metric-series.ts";
import { bucketStart, normaliseStepMs } from "../series.ts";
import type { RetentionControl } from "./sqlite-retention.ts";

/** Known metric series: key (metricSeriesKey) -> id in `metric_series`. */
export type MetricSeriesIds = Map<string, number>;

export function metricSeriesKey(metric: string, node: string, peer: string): string {
  return JSON.stringify([metric, node, peer]);
}

export function loadMetricSeries(db: Database): MetricSeriesIds {
  const rows = db.query("SELECT id, metric, node, peer FROM metric_series").all() as { id: number; metric: string; node: string; peer: string }[];
  return new Map(rows.map((r) => [metricSeriesKey(r.metric, r.node, r.peer), r.id]));
}

export interface MetricWriter {
  /** Adds clean samples (sanitizeMetricSample) to their minute rows in one transaction; throws on failure. */
  write(samples: readonly MetricSample[]): void;
}

export function createMetricWriter(db: Database, ids: MetricSeriesIds): MetricWriter {
  const insertSeries = db.query("INSERT OR IGNORE INTO metric_series (metric, node, peer) VALUES (?, ?, ?)");
  const seriesId = db.query("SELECT id FROM metric_series WHERE metric = ? AND node = ? AND peer = ?");
  const upsertMinute = db.query(
    `INSERT INTO metrics_1m (series, minute, count, min_value, sum_value, max_value) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (series, minute) DO UPDATE SET
       count = count + excluded.count,
       min_value = min(min_value, excluded.min_value),
       sum_value = sum_value + excluded.sum_value,
       max_value = max(max_value, excluded.max_value)`,
  );
  const tx = db.transaction((samples: readonly MetricSample[]): [string, number][] => {
    const added: [string, number][] = [];
    const minutes = new Map<string, { series: number; minute: number; bucket: MetricBucket }>();
    for (const s of samples) {
      const peer = s.peer ?? "";
      const key = metricSeriesKey(s.metric, s.node, peer);
      let id = ids.get(key) ?? added.find(([k]) => k === key)?.[1];
      if (id === undefined) {
        insertSeries.run(s.metric, s.node, peer);
        id = (seriesId.get(s.metric, s.node, peer) as { id: number }).id;
        added.push([key, id]);
      }
      const minute = metricMinute(s.ts);
      const minuteKey = `${id}:${minute}`;
      const entry = minutes.get(minuteKey);
      if (entry) addMetricBucket(entry.bucket, metricBucketOf(s.value));
      else minutes.set(minuteKey, { series: id, minute, bucket: metricBucketOf(s.value) });
    }
    for (const { series, minute, bucket: b } of minutes.values()) upsertMinute.run(series, minute, b.count, b.min, b.sum, b.max);
    return added;
  });
  return {
    write(samples) {
      if (samples.length === 0) return;
      // Only after the commit: a rolled-back series row has no id.
      for (const [key, id] of tx(samples)) ids.set(key, id);
    },
  };
}

/** Buckets over the minute rows of every matching series. */
export function queryMetricSeries(db: Database, q: MetricSeriesQuery, nowMs: number): MetricPoint[] {
  const stepMs = normaliseStepMs(q.stepMs);
  const where = ["s.metric = ?", "m.minute >= ?", "m.minute < ?"];
  const params: (string | number)[] = [q.metric, bucketStart(q.sinceMs, stepMs), q.untilMs ?? nowMs + 1];
  if (q.node !== undefined) {
    where.push("s.node = ?");
    params.push(q.node);
  }
  if (q.peer !== undefined) {
    where.push("s.peer = ?");
    params.push(q.peer);
  }
  const sql = `SELECT (m.minute / ${stepMs}) * ${stepMs} AS ts, SUM(m.count) AS count, MIN(m.min_value) AS min,
                      SUM(m.sum_value) AS sum, MAX(m.max_value) AS max
               FROM metrics_1m AS m JOIN metric_series AS s ON s.id = m.series
               WHERE ${where.join(" AND ")} GROUP BY 1 ORDER BY 1`;
  const rows = db.query(sql).all(...params) as { ts: number; count: number; min: number; sum: number; max: number }[];
  return rows.map((r) => ({ ts: r.ts, count: r.count, min: r.min, avg: r.count === 0 ? 0 : r.sum / r.count, max: r.max }));
}

/**
 * Deletes minute rows that start before `beforeMs`, per series in batches of at most
 * `control.batchRows`, and forgets series with nothing left. Returns the minute rows removed.
 */
export async function enforceMetricRetention(db: Database, ids: MetricSeriesIds, beforeMs: number, control: RetentionControl): Promise<number> {
  const limit = control.batchRows;
  const deleteMinutes = db.query(
    `DELETE FROM metrics_1m WHERE series = ? AND minute IN
       (SELECT minute FROM metrics_1m WHERE series = ? AND minute < ? LIMIT ${limit})`,
  );
  const hasMinutes = db.query("SELECT 1 FROM metrics_1m WHERE series = ? LIMIT 1");
  const forget = db.query("DELETE FROM metric_series WHERE id = ?");
  const series = db.query("SELECT id, metric, node, peer FROM metric_series").all() as { id: number; metric: string; node: string; peer: string }[];
  let removed = 0;
  for (const s of series) {
    for (;;) {
      if (control.stopped()) return removed;
      const n = control.runBatch(() => deleteMinutes.run(s.id, s.id, beforeMs).changes);
      removed += n;
      if (n < limit) break;
      await control.pause();
    }
    const empty = control.runBatch(() => (hasMinutes.get(s.id) === null ? 1 : 0));
    if (empty === 1 && control.runBatch(() => forget.run(s.id).changes) === 1) ids.delete(metricSeriesKey(s.metric, s.node, s.peer));
    await control.pause();
  }
  return removed;
}

/** Distinct metric names of one node with the prefix, sorted (the series table only: no minute rows are read). */
export function listMetricNames(db: Database, q: MetricNamesQuery): string[] {
  const rows = db
    .query("SELECT DISTINCT metric FROM metric_series WHERE node = ? AND substr(metric, 1, length(?)) = ? ORDER BY metric LIMIT ?")
    .all(q.node, q.prefix, q.prefix, Math.min(q.limit, METRIC_NAMES_MAX)) as { metric: string }[];
  return rows.map((r) => r.metric);
}
