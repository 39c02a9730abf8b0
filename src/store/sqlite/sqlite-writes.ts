import type { Database, Statement } from "bun:sqlite";
// Statements come from db.query(): the database caches and finalizes them on close, so closing
// releases the file (a db.prepare() statement left unfinalized would keep it open).
import type { ProbeSample, TimelineEvent } from "../history-store.ts";
import { addToBucket, bucketStart, MINUTE_MS, sampleBucket, type Bucket } from "../series.ts";

/** Prepared statements for appends; each call of `write` is one transaction. */
export interface SqliteWriter {
  /** Writes samples (with their minute aggregates) and events atomically; throws on failure. */
  write(samples: readonly ProbeSample[], events: readonly TimelineEvent[]): void;
}

export function createSqliteWriter(db: Database, knownSeries: Set<string>): SqliteWriter {
  const insertSample = db.query(
    `INSERT INTO samples (ts, node, checker, status, severity, duration_ms, error)
     VALUES ($ts, $node, $checker, $status, $severity, $duration, $error)`,
  );
  const upsertMinute = db.query(
    `INSERT INTO samples_1m (checker, node, minute, count, failures, min_ms, sum_ms, max_ms)
     VALUES ($checker, $node, $minute, $count, $failures, $min, $sum, $max)
     ON CONFLICT (checker, node, minute) DO UPDATE SET
       count = count + excluded.count,
       failures = failures + excluded.failures,
       min_ms = min(min_ms, excluded.min_ms),
       sum_ms = sum_ms + excluded.sum_ms,
       max_ms = max(max_ms, excluded.max_ms)`,
  );
  const insertSeries = db.query("INSERT OR IGNORE INTO series (checker, node) VALUES ($checker, $node)");
  const insertEvent = db.query(
    `INSERT OR IGNORE INTO events (timestamp, type, node, probe, oldState, newState, error)
     VALUES ($timestamp, $type, $node, $probe, $old, $new, $error)`,
  );

  const tx = db.transaction((samples: readonly ProbeSample[], events: readonly TimelineEvent[]): string[] => {
    const minutes = new Map<string, { checker: string; node: string; minute: number; bucket: Bucket }>();
    const newSeries: string[] = [];
    for (const s of samples) {
      insertSample.run({
        ts: s.ts,
        node: s.node,
        checker: s.checker,
        status: s.status,
        severity: s.severity ?? null,
        duration: s.durationMs,
        error: s.error ?? null,
      });
      const minute = bucketStart(s.ts, MINUTE_MS);
      const key = seriesKey(s.checker, s.node);
      const minuteKey = `${key}\u0000${minute}`;
      const entry = minutes.get(minuteKey);
      if (entry) addToBucket(entry.bucket, sampleBucket(s));
      else minutes.set(minuteKey, { checker: s.checker, node: s.node, minute, bucket: sampleBucket(s) });
      if (!knownSeries.has(key) && !newSeries.includes(key)) {
        insertSeries.run({ checker: s.checker, node: s.node });
        newSeries.push(key);
      }
    }
    for (const { checker, node, minute, bucket } of minutes.values()) {
      runUpsert(upsertMinute, checker, node, minute, bucket);
    }
    for (const e of events) {
      insertEvent.run({
        timestamp: e.timestamp,
        type: e.type,
        node: e.node ?? "",
        probe: e.probe ?? "",
        old: e.oldState ?? "",
        new: e.newState ?? "",
        error: e.error ?? "",
      });
    }
    return newSeries;
  });

  return {
    write(samples, events) {
      const added = tx(samples, events);
      // Only after the commit: a rolled-back series row must be inserted again next time.
      for (const key of added) knownSeries.add(key);
    },
  };
}

function runUpsert(stmt: Statement, checker: string, node: string, minute: number, b: Bucket): void {
  stmt.run({ checker, node, minute, count: b.count, failures: b.failures, min: b.minMs, sum: b.sumMs, max: b.maxMs });
}

/** Key of a (checker, node) series in in-memory sets; NUL cannot occur in either name. */
export function seriesKey(checker: string, node: string): string {
  return `${checker}\u0000${node}`;
}

export function loadSeries(db: Database): Set<string> {
  const rows = db.query("SELECT checker, node FROM series").all() as { checker: string; node: string }[];
  return new Set(rows.map((r) => seriesKey(r.checker, r.node)));
}
