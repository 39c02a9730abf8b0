import type { Clock, Timer } from "../platform/clock.ts";
import { describeError } from "../platform/errors.ts";
import type { Logger } from "../platform/logger.ts";
import { boundValues, countValues, type ValueTree } from "./collected-values.ts";
import type { Collector, CollectorHost, CollectorKind } from "./collector.ts";
import { COLLECTOR_KINDS } from "./collector-catalog.ts";

/**
 * After the first sample of an activation the second comes this soon, not a whole interval
 * later: rates need two samples, and a check or `satellite collectors show` should not wait 10 s.
 */
export const SECOND_SAMPLE_DELAY_MS = 1000;

/** One collector as `GET /collectors` shows it. */
export interface CollectorSummary {
  name: string;
  description: string;
  intervalMs: number;
  /** Collecting now: some check or API client used it within its lease. */
  active: boolean;
  /** Samples taken since it was last started; rates appear from the second. */
  samples: number;
  /** Wall-clock time of the last collection, Unix ms. */
  lastCollectedAtMs?: number;
  valueCount: number;
  /** Why the last collection failed. */
  error?: string;
  /** Values left out of the last collection by the bound on values per collector. */
  valuesCut?: number;
}

export interface CollectorSnapshot extends CollectorSummary {
  values: ValueTree;
}

/** What checks and the API need of the collectors. */
export interface CollectorSource {
  /**
   * Keeps the named collectors collecting for `leaseMs` more; one not collecting yet starts and
   * is collected once before this resolves. Unknown names are ignored (the config check refuses them).
   */
  use(names: readonly string[], leaseMs: number): Promise<void>;
  snapshot(name: string): CollectorSnapshot | undefined;
  list(): CollectorSummary[];
}

export interface CollectorManagerDeps {
  host: CollectorHost;
  clock: Clock;
  logger: Logger;
  kinds?: readonly CollectorKind[];
}

interface Entry {
  kind: CollectorKind;
  instance?: Collector;
  leaseUntilMs: number;
  timer?: Timer;
  running?: Promise<void>;
  samples: number;
  values: ValueTree;
  valueCount: number;
  valuesCut: number;
  lastCollectedAtMs?: number;
  error?: string;
}

/**
 * Runs each collector on its own interval, and only while something uses it: a check that reads
 * it (each run renews a lease) or an API client. When its lease ends the collector stops and its
 * previous sample is dropped, so an agent without evaluated checks never reads /proc for them.
 * Memory is bounded: one instance and one bounded value tree per collector kind.
 */
export class CollectorManager implements CollectorSource {
  private readonly entries = new Map<string, Entry>();
  private stopped = false;
  private readonly logger: Logger;

  constructor(private readonly deps: CollectorManagerDeps) {
    for (const kind of deps.kinds ?? COLLECTOR_KINDS) this.entries.set(kind.name, { kind, leaseUntilMs: 0, samples: 0, values: {}, valueCount: 0, valuesCut: 0 });
    this.logger = deps.logger.child({ part: "collectors" });
  }

  async use(names: readonly string[], leaseMs: number): Promise<void> {
    if (this.stopped) return;
    const now = this.deps.clock.monotonicMs();
    const waits: Promise<void>[] = [];
    for (const name of new Set(names)) {
      const entry = this.entries.get(name);
      if (!entry) continue;
      entry.leaseUntilMs = Math.max(entry.leaseUntilMs, now + leaseMs);
      if (!entry.instance) {
        entry.instance = entry.kind.create();
        entry.samples = 0;
        waits.push(this.collect(entry));
      } else if (entry.samples === 0 && entry.running) waits.push(entry.running);
    }
    await Promise.all(waits);
  }

  snapshot(name: string): CollectorSnapshot | undefined {
    const entry = this.entries.get(name);
    return entry ? { ...this.summaryOf(entry), values: entry.values } : undefined;
  }

  list(): CollectorSummary[] {
    return [...this.entries.values()].map((e) => this.summaryOf(e));
  }

  /** Stops every timer; collections under way finish and are dropped. */
  stop(): void {
    this.stopped = true;
    for (const entry of this.entries.values()) {
      entry.timer?.cancel();
      entry.timer = undefined;
      entry.instance = undefined;
    }
  }

  private summaryOf(e: Entry): CollectorSummary {
    const summary: CollectorSummary = { name: e.kind.name, description: e.kind.description, intervalMs: e.kind.intervalMs, active: e.instance !== undefined, samples: e.samples, valueCount: e.valueCount };
    if (e.lastCollectedAtMs !== undefined) summary.lastCollectedAtMs = e.lastCollectedAtMs;
    if (e.error !== undefined) summary.error = e.error;
    if (e.valuesCut > 0) summary.valuesCut = e.valuesCut;
    return summary;
  }

  /** One collection, then the next one armed while the lease lasts; never two at once for one collector. */
  private collect(entry: Entry): Promise<void> {
    if (entry.running) return entry.running;
    const instance = entry.instance;
    if (!instance) return Promise.resolve();
    const clock = this.deps.clock;
    const run = (async () => {
      try {
        const tree = await instance.collect(this.deps.host, { wallMs: clock.nowMs(), monotonicMs: clock.monotonicMs() });
        if (entry.instance !== instance) return;
        const bounded = boundValues(tree);
        entry.values = bounded.values;
        entry.valuesCut = bounded.cut;
        entry.valueCount = countValues(bounded.values);
        entry.error = undefined;
      } catch (error) {
        if (entry.instance !== instance) return;
        entry.values = {};
        entry.valueCount = 0;
        entry.error = describeError(error);
        this.logger.warn("collector failed", { collector: entry.kind.name, error: entry.error });
      }
      entry.samples++;
      entry.lastCollectedAtMs = clock.nowMs();
    })().finally(() => {
      entry.running = undefined;
      this.arm(entry);
    });
    entry.running = run;
    return run;
  }

  private arm(entry: Entry): void {
    entry.timer?.cancel();
    entry.timer = undefined;
    if (this.stopped || !entry.instance) return;
    const delayMs = entry.samples === 1 ? Math.min(SECOND_SAMPLE_DELAY_MS, entry.kind.intervalMs) : entry.kind.intervalMs;
    entry.timer = this.deps.clock.setTimer(delayMs, () => {
      entry.timer = undefined;
      if (this.deps.clock.monotonicMs() >= entry.leaseUntilMs) {
        // Nobody used it within its lease: stop, and forget the previous sample.
        entry.instance = undefined;
        return;
      }
      void this.collect(entry);
    });
  }
}
