import type {
  EventQuery,
  ProbeSample,
  SampleQuery,
  StoreHealth,
  TimelineEvent,
} from "./history-store.ts";
import {
  cleanEvent,
  cleanSample,
  compareNodeChecker,
  DEFAULT_EVENT_LIMIT,
  DEFAULT_SAMPLE_LIMIT,
  effectiveLimit,
  eventKey,
  eventMatches,
  sampleMatches,
} from "./filters.ts";
import {
  addToBucket,
  bucketStart,
  bucketsToPoints,
  MINUTE_MS,
  normaliseStepMs,
  sampleBucket,
  type Bucket,
  type LatestQuery,
  type SeriesHistoryStore,
  type SeriesPoint,
  type SeriesQuery,
} from "./series.ts";
import {
  addMetricBucket,
  metricBucketOf,
  metricBucketsToPoints,
  metricMinute,
  sanitizeMetricSample,
  type MetricBucket,
  type MetricSeriesQuery,
  type MetricNamesQuery,
  METRIC_NAMES_MAX,
} from "./metric-series.ts";

export interface MemoryHistoryStoreOptions {
  /** Samples and events older than this (relative to `prune(nowMs)`) are removed. */
  retentionMs: number;
}

/**
 * History kept in process memory: for tests, `--no-history` style runs and as the reference
 * behaviour of the shared contract. Nothing survives a restart.
 */
export function createMemoryHistoryStore(options: MemoryHistoryStoreOptions): SeriesHistoryStore {
  let samples: ProbeSample[] = [];
  let events: TimelineEvent[] = [];
  const eventKeys = new Set<string>();
  // One-minute aggregates, as SQLite keeps them: memory grows with series x minutes, not samples.
  let metricMinutes = new Map<string, { metric: string; node: string; peer: string; minute: number; bucket: MetricBucket }>();
  let closed = false;

  return {
    async appendSamples(batch) {
      if (closed) return;
      for (const s of batch) samples.push(cleanSample(s));
      // Kept sorted by time (stable, so equal times stay in arrival order).
      if (batch.length > 0) samples.sort((a, b) => a.ts - b.ts);
    },
    async appendEvents(batch) {
      if (closed) return;
      for (const e of batch) {
        const key = eventKey(e);
        if (eventKeys.has(key)) continue;
        eventKeys.add(key);
        events.push(cleanEvent(e));
      }
    },
    async appendMetrics(batch) {
      if (closed) return;
      for (const raw of batch) {
        const m = sanitizeMetricSample(raw);
        if (!m) continue;
        const minute = metricMinute(m.ts);
        const key = JSON.stringify([m.metric, m.node, m.peer ?? "", minute]);
        const entry = metricMinutes.get(key);
        if (entry) addMetricBucket(entry.bucket, metricBucketOf(m.value));
        else metricMinutes.set(key, { metric: m.metric, node: m.node, peer: m.peer ?? "", minute, bucket: metricBucketOf(m.value) });
      }
    },
    async listMetrics(query: MetricNamesQuery) {
      if (closed) return [];
      const names = new Set<string>();
      for (const e of metricMinutes.values()) if (e.node === query.node && e.metric.startsWith(query.prefix)) names.add(e.metric);
      return [...names].sort().slice(0, Math.min(query.limit, METRIC_NAMES_MAX));
    },
    async queryMetricSeries(query: MetricSeriesQuery) {
      if (closed) return [];
      const stepMs = normaliseStepMs(query.stepMs);
      const buckets = new Map<number, MetricBucket>();
      for (const e of metricMinutes.values()) {
        if (e.metric !== query.metric) continue;
        if (query.node !== undefined && e.node !== query.node) continue;
        if (query.peer !== undefined && e.peer !== query.peer) continue;
        if (e.minute < bucketStart(query.sinceMs, stepMs)) continue;
        if (query.untilMs !== undefined && e.minute >= query.untilMs) continue;
        const start = bucketStart(e.minute, stepMs);
        buckets.set(start, addMetricBucket(buckets.get(start), e.bucket));
      }
      return metricBucketsToPoints(buckets);
    },
    async queryEvents(query: EventQuery) {
      const limit = effectiveLimit(query.limit, DEFAULT_EVENT_LIMIT);
      const out: TimelineEvent[] = [];
      // Newest first; among equal timestamps the later arrival first.
      const ordered = events
        .map((e, i) => ({ e, i }))
        .sort((a, b) => b.e.timestamp - a.e.timestamp || b.i - a.i);
      for (const { e } of ordered) {
        if (out.length >= limit) break;
        if (eventMatches(e, query)) out.push({ ...e });
      }
      return out;
    },
    async querySamples(query: SampleQuery) {
      const limit = effectiveLimit(query.limit, DEFAULT_SAMPLE_LIMIT);
      const matching = samples.filter((s) => sampleMatches(s, query));
      return matching.slice(Math.max(0, matching.length - limit)).map((s) => ({ ...s }));
    },
    async querySeries(query: SeriesQuery): Promise<SeriesPoint[]> {
      const stepMs = normaliseStepMs(query.stepMs);
      const buckets = new Map<number, Bucket>();
      for (const s of samples) {
        if (s.checker !== query.checker) continue;
        if (query.node !== undefined && s.node !== query.node) continue;
        // Same bucketing as the SQLite minute aggregates: whole minutes, `untilMs` exclusive.
        const minute = bucketStart(s.ts, MINUTE_MS);
        if (minute < bucketStart(query.sinceMs, stepMs)) continue;
        if (query.untilMs !== undefined && minute >= query.untilMs) continue;
        const start = bucketStart(s.ts, stepMs);
        buckets.set(start, addToBucket(buckets.get(start), sampleBucket(s)));
      }
      return bucketsToPoints(buckets);
    },
    async queryLatest(query: LatestQuery = {}) {
      const latest = new Map<string, ProbeSample>();
      for (const s of samples) {
        if (query.node !== undefined && s.node !== query.node) continue;
        if (query.checker !== undefined && s.checker !== query.checker) continue;
        latest.set(JSON.stringify([s.node, s.checker]), s);
      }
      return [...latest.values()]
        .sort(compareNodeChecker)
        .map((s) => ({ ...s }));
    },
    async prune(nowMs: number) {
      if (closed) return 0;
      const cutoff = nowMs - options.retentionMs;
      const before = samples.length + events.length;
      samples = samples.filter((s) => s.ts >= cutoff);
      metricMinutes = new Map([...metricMinutes].filter(([, e]) => e.minute >= cutoff));
      const kept: TimelineEvent[] = [];
      for (const e of events) {
        if (e.timestamp >= cutoff) kept.push(e);
        else eventKeys.delete(eventKey(e));
      }
      events = kept;
      return before - samples.length - events.length;
    },
    health(): StoreHealth {
      return { ok: true };
    },
    async close() {
      closed = true;
    },
  };
}
