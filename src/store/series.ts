import type { HistoryStore, ProbeSample } from "./history-store.ts";

/** A time-bucketed view of one checker's samples, for `GET /history/series`. */
export interface SeriesQuery {
  checker: string;
  /** Omitted: all nodes together. */
  node?: string;
  /** First bucket starts at `sinceMs` rounded down to `stepMs`. */
  sinceMs: number;
  /** Exclusive; defaults to now. */
  untilMs?: number;
  /** Bucket width; at least one minute for aggregated history. */
  stepMs: number;
}

/** One bucket. Buckets without samples are left out. */
export interface SeriesPoint {
  /** Start of the bucket, Unix ms. */
  ts: number;
  count: number;
  /** Samples whose status was not `running`. */
  failures: number;
  minMs: number;
  avgMs: number;
  maxMs: number;
}

/** One (node, checker) pair with its most recent sample. */
export interface LatestQuery {
  node?: string;
  checker?: string;
}

/** History with series and last-sample queries on top of the shared contract. */
export interface SeriesHistoryStore extends HistoryStore {
  querySeries(query: SeriesQuery): Promise<SeriesPoint[]>;
  /** The newest sample of every (node, checker), ordered by node then checker. */
  queryLatest(query?: LatestQuery): Promise<ProbeSample[]>;
}

/** Running totals for one bucket; merged from raw samples or stored minute rows. */
export interface Bucket {
  count: number;
  failures: number;
  minMs: number;
  sumMs: number;
  maxMs: number;
}

export function bucketStart(ts: number, stepMs: number): number {
  return Math.floor(ts / stepMs) * stepMs;
}

export function addToBucket(into: Bucket | undefined, add: Bucket): Bucket {
  if (!into) return { ...add };
  into.count += add.count;
  into.failures += add.failures;
  into.minMs = Math.min(into.minMs, add.minMs);
  into.maxMs = Math.max(into.maxMs, add.maxMs);
  into.sumMs += add.sumMs;
  return into;
}

export function sampleBucket(sample: ProbeSample): Bucket {
  return {
    count: 1,
    failures: sample.status === "running" ? 0 : 1,
    minMs: sample.durationMs,
    sumMs: sample.durationMs,
    maxMs: sample.durationMs,
  };
}

/** Buckets keyed by start time -> points in time order. */
export function bucketsToPoints(buckets: Map<number, Bucket>): SeriesPoint[] {
  return [...buckets.entries()]
    .sort(([a], [b]) => a - b)
    .map(([ts, b]) => ({
      ts,
      count: b.count,
      failures: b.failures,
      minMs: b.minMs,
      avgMs: b.count === 0 ? 0 : b.sumMs / b.count,
      maxMs: b.maxMs,
    }));
}

export const MINUTE_MS = 60_000;

/** Aggregates are per minute, so a step is rounded up to whole minutes. */
export function normaliseStepMs(stepMs: number): number {
  if (!Number.isFinite(stepMs) || stepMs <= MINUTE_MS) return MINUTE_MS;
  return Math.ceil(stepMs / MINUTE_MS) * MINUTE_MS;
}
