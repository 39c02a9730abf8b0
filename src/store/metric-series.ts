import { isMetricName } from "../events/metric-bounds.ts";
import { bucketStart, MINUTE_MS } from "./series.ts";

/**
 * A number a node measured, as kept in history: check metrics (`<check>.<key>`: nagios perfdata,
 * host-metric values, canary timings) and per-peer gossip measurements (`peer.rttP50Ms`, ...,
 * with `peer` set). History keeps them as one-minute aggregates per series (metric, node,
 * peer), so a series costs at most one row per minute however often it is measured.
 */
export interface MetricSample {
  /** Unix ms. */
  ts: number;
  /** The node that measured it. */
  node: string;
  metric: string;
  /** For per-peer measurements: the peer they are about. */
  peer?: string;
  /** Finite. */
  value: number;
}

/** `GET /history/series?metric=NAME`: buckets of one metric, optionally one node and one peer. */
export interface MetricSeriesQuery {
  metric: string;
  /** Omitted: every node together. */
  node?: string;
  /** Omitted: every peer (and series without a peer) together. */
  peer?: string;
  /** First bucket starts at `sinceMs` rounded down to the step. */
  sinceMs: number;
  /** Exclusive; defaults to now. */
  untilMs?: number;
  /** Bucket width, rounded up to whole minutes. */
  stepMs: number;
}

/** `GET /history/metrics`: the names of one node's metrics that start with a prefix (`statsd.`). */
export interface MetricNamesQuery {
  node: string;
  /** Empty: every name. */
  prefix: string;
  /** At most this many names, the first by name. */
  limit: number;
}

/** The most names one listing gives. */
export const METRIC_NAMES_MAX = 1000;

/** One bucket over every sample of the matching series; buckets without samples are left out. */
export interface MetricPoint {
  /** Start of the bucket, Unix ms. */
  ts: number;
  count: number;
  min: number;
  avg: number;
  max: number;
}

/** Running totals of one bucket. */
export interface MetricBucket {
  count: number;
  min: number;
  sum: number;
  max: number;
}

export function metricBucketOf(value: number): MetricBucket {
  return { count: 1, min: value, sum: value, max: value };
}

export function addMetricBucket(into: MetricBucket | undefined, add: MetricBucket): MetricBucket {
  if (!into) return { ...add };
  into.count += add.count;
  into.min = Math.min(into.min, add.min);
  into.sum += add.sum;
  into.max = Math.max(into.max, add.max);
  return into;
}

export function metricBucketsToPoints(buckets: Map<number, MetricBucket>): MetricPoint[] {
  return [...buckets.entries()]
    .sort(([a], [b]) => a - b)
    .map(([ts, b]) => ({ ts, count: b.count, min: b.min, avg: b.count === 0 ? 0 : b.sum / b.count, max: b.max }));
}

/** The minute a sample is aggregated into. */
export function metricMinute(ts: number): number {
  return bucketStart(ts, MINUTE_MS);
}

/** A storable copy, or undefined for a sample without a time, node or valid name, or with a value that is not finite. */
export function sanitizeMetricSample(s: MetricSample): MetricSample | undefined {
  if (typeof s?.node !== "string" || s.node === "" || typeof s.metric !== "string" || !isMetricName(s.metric)) return undefined;
  if (!Number.isFinite(s.ts) || typeof s.value !== "number" || !Number.isFinite(s.value)) return undefined;
  const out: MetricSample = { ts: Math.round(s.ts), node: s.node, metric: s.metric, value: s.value };
  if (typeof s.peer === "string" && s.peer !== "") out.peer = s.peer;
  return out;
}
