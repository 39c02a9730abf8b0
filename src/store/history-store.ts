import type { ProbeStatus, Severity } from "../events/health-state.ts";
import type { MetricNamesQuery, MetricPoint, MetricSample, MetricSeriesQuery } from "./metric-series.ts";

/** One probe result as kept in history. Times are Unix milliseconds. */
export interface ProbeSample {
  ts: number;
  node: string;
  checker: string;
  status: ProbeStatus;
  severity?: Severity;
  durationMs: number;
  error?: string;
}

export { TIMELINE_EVENT_TYPES, type TimelineEvent, type TimelineEventType } from "../events/timeline-event.ts";
import type { TimelineEvent, TimelineEventType } from "../events/timeline-event.ts";

export interface EventQuery {
  node?: string;
  probe?: string;
  type?: TimelineEventType;
  /** Only events at or after this Unix ms. */
  sinceMs?: number;
  /** Newest first, at most this many (default 1000). */
  limit?: number;
}

export interface SampleQuery {
  node?: string;
  checker?: string;
  /** Only samples at or after this Unix ms. */
  sinceMs?: number;
  /** Only samples before this Unix ms (exclusive). */
  untilMs?: number;
  /** The newest this many matching samples, still returned oldest first (default 10000). */
  limit?: number;
}

/** Whether the store is writing; `/readyz` shows it. */
export interface StoreHealth {
  ok: boolean;
  /** The last write error, with what to do about it. */
  error?: string;
}

/**
 * Where probe samples and timeline events are kept. Writes must not throw: a failing write
 * is logged, reflected in `health()`, and the agent keeps probing. Duplicate events (same
 * timestamp, type, node, probe, states) are stored once.
 */
export interface HistoryStore {
  appendSamples(samples: readonly ProbeSample[]): Promise<void>;
  appendEvents(events: readonly TimelineEvent[]): Promise<void>;
  /**
   * Numbers measured by checks and gossip (metric-series.ts), kept as one-minute aggregates per
   * (metric, node, peer); malformed samples (no node, bad name, value not finite) are dropped.
   */
  appendMetrics(samples: readonly MetricSample[]): Promise<void>;
  /** Events, newest first. */
  queryEvents(query: EventQuery): Promise<TimelineEvent[]>;
  /** Samples, oldest first. */
  querySamples(query: SampleQuery): Promise<ProbeSample[]>;
  /** Buckets of one metric, oldest first; aggregates within retention (`aggregateRetentionMs` for SQLite). */
  queryMetricSeries(query: MetricSeriesQuery): Promise<MetricPoint[]>;
  /** The names of a node's metrics that start with `prefix`, sorted, each once (peer series too); absent: the backend cannot list them. */
  listMetrics?(query: MetricNamesQuery): Promise<string[]>;
  /** Deletes what is older than the retention relative to `nowMs`; returns rows removed. */
  prune(nowMs: number): Promise<number>;
  health(): StoreHealth;
  /** Flushes and releases; further calls are ignored. */
  close(): Promise<void>;
}
