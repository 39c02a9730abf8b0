import { assertNever } from "../platform/assert-never.ts";
import type { GraphiteSample } from "./graphite-line.ts";
import type { StatsdSample } from "./statsd-line.ts";
import { TimerSummary } from "./timer-summary.ts";

/** What one flush reports for one metric: `stat` is count, rate, mean, upper, p90, p99 or value. */
export interface FlushedValue {
  metric: string;
  stat: string;
  value: number;
}

/** Why a sample was not taken. */
export type AggregateRefusal = "names_full" | "type_conflict" | "set_full";

export interface AggregatorOptions {
  /** Distinct names held at most; a sample of a further name is refused (`names_full`). */
  namesMax: number;
  /** Timer values kept per interval for percentiles. */
  timerValuesMax: number;
  /** Distinct members one set counts per interval. */
  setMembersMax: number;
  /** A name without a sample this long is forgotten: it stops being reported and frees its place. */
  idleForgetMs: number;
  /** In [0, 1): samples timers beyond timerValuesMax. */
  random: () => number;
}

type Entry =
  | { kind: "counter"; lastMs: number; sum: number }
  | { kind: "gauge"; lastMs: number; value: number; ts: number }
  | { kind: "timer"; lastMs: number; summary: TimerSummary }
  | { kind: "set"; lastMs: number; members: Set<string> };

/**
 * statsd's aggregation: counters summed per interval (and as a rate per second), gauges kept
 * until changed, timers summarised per interval, sets counted per interval. Graphite lines are
 * gauges. A name keeps the type it first came with (another type is refused), and at most
 * `namesMax` names are held, so what /metrics and history carry stays bounded.
 */
export class MetricAggregator {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly options: AggregatorOptions) {}

  get size(): number {
    return this.entries.size;
  }

  /** Takes a statsd sample at `nowMs`; returns why it was refused, or undefined. */
  addStatsd(sample: StatsdSample, nowMs: number): AggregateRefusal | undefined {
    const kind = sample.type;
    const entry = this.entryFor(sample.name, kind, nowMs);
    if (typeof entry === "string") return entry;
    switch (entry.kind) {
      case "counter":
        if (sample.type === "counter") entry.sum += sample.value / sample.rate;
        return undefined;
      case "gauge":
        if (sample.type === "gauge") {
          entry.value = sample.delta ? entry.value + sample.value : sample.value;
          entry.ts = nowMs;
        }
        return undefined;
      case "timer":
        if (sample.type === "timer") entry.summary.add(sample.value, sample.rate);
        return undefined;
      case "set":
        if (sample.type !== "set" || entry.members.has(sample.member)) return undefined;
        if (entry.members.size >= this.options.setMembersMax) return "set_full";
        entry.members.add(sample.member);
        return undefined;
      default:
        return assertNever(entry, "metric entry");
    }
  }

  /** Takes a graphite line as a gauge; an older timestamp than the value held does not replace it. */
  addGraphite(sample: GraphiteSample, nowMs: number): AggregateRefusal | undefined {
    const entry = this.entryFor(sample.name, "gauge", nowMs);
    if (typeof entry === "string") return entry;
    if (entry.kind === "gauge" && sample.ts >= entry.ts) {
      entry.value = sample.value;
      entry.ts = sample.ts;
    }
    return undefined;
  }

  /**
   * What the interval that ends at `nowMs` comes to, and a fresh interval. Counters and sets
   * report 0 and timers a count of 0 when nothing came, until their name is forgotten.
   */
  flush(nowMs: number, intervalMs: number): FlushedValue[] {
    const out: FlushedValue[] = [];
    for (const [metric, entry] of this.entries) {
      if (nowMs - entry.lastMs >= this.options.idleForgetMs) {
        this.entries.delete(metric);
        continue;
      }
      switch (entry.kind) {
        case "counter":
          out.push({ metric, stat: "count", value: entry.sum }, { metric, stat: "rate", value: entry.sum / (intervalMs / 1000) });
          entry.sum = 0;
          break;
        case "gauge":
          out.push({ metric, stat: "value", value: entry.value });
          break;
        case "timer":
          for (const [stat, value] of Object.entries(entry.summary.stats())) out.push({ metric, stat, value });
          entry.summary = this.newTimer();
          break;
        case "set":
          out.push({ metric, stat: "count", value: entry.members.size });
          entry.members = new Set();
          break;
        default:
          assertNever(entry, "metric entry");
      }
    }
    return out;
  }

  private entryFor(name: string, kind: StatsdSample["type"], nowMs: number): Entry | AggregateRefusal {
    const known = this.entries.get(name);
    if (known) {
      if (known.kind !== kind) return "type_conflict";
      known.lastMs = nowMs;
      return known;
    }
    if (this.entries.size >= this.options.namesMax) return "names_full";
    const entry = this.newEntry(kind, nowMs);
    this.entries.set(name, entry);
    return entry;
  }

  private newEntry(kind: StatsdSample["type"], nowMs: number): Entry {
    switch (kind) {
      case "counter":
        return { kind, lastMs: nowMs, sum: 0 };
      case "gauge":
        return { kind, lastMs: nowMs, value: 0, ts: Number.NEGATIVE_INFINITY };
      case "timer":
        return { kind, lastMs: nowMs, summary: this.newTimer() };
      case "set":
        return { kind, lastMs: nowMs, members: new Set() };
      default:
        return assertNever(kind, "statsd type");
    }
  }

  private newTimer(): TimerSummary {
    return new TimerSummary(this.options.timerValuesMax, this.options.random);
  }
}
