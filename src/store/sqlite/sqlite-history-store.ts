import type { Database } from "bun:sqlite";
import { dirname } from "node:path";
import type { Clock } from "../../platform/clock.ts";
import { describeError, SatelliteError } from "../../platform/errors.ts";
import type { Logger } from "../../platform/logger.ts";
import type { ProbeSample, StoreHealth, TimelineEvent } from "../history-store.ts";
import type { SeriesHistoryStore } from "../series.ts";
import { createWriteHealth, sqliteWriteAdvice } from "../write-health.ts";
import { describeDamage, quickCheckBySize, watchIntegrity, type IntegrityCheck, type IntegrityResult } from "./integrity-check.ts";
import { openHistoryDatabase, sqliteCode, type Durability } from "./open-database.ts";
import { PendingRows } from "./pending-rows.ts";
import { createPruneRunner } from "./prune-runner.ts";
import { queryEvents, queryLatest, querySamples, querySeries } from "./sqlite-queries.ts";
import { enforceRetention } from "./sqlite-retention.ts";
import { isTransientSqliteError, sanitizeEvent, sanitizeSample } from "./sanitize.ts";
import { createSqliteWriter, loadSeries } from "./sqlite-writes.ts";
import { createMetricWriter, enforceMetricRetention, listMetricNames, loadMetricSeries, queryMetricSeries, type MetricSeriesIds } from "./sqlite-metrics.ts";
import { sanitizeMetricSample, type MetricSample } from "../metric-series.ts";

export interface SqliteHistoryStoreOptions {
  /** The database file; its directory must exist. */
  path: string;
  /** Events are kept this long; also the default for samples and aggregates. */
  retentionMs: number;
  clock: Clock;
  logger: Logger;
  /**
   * Raw samples are kept this long (default: `retentionMs`, at most 24 h). About 90 bytes per
   * sample on disk (bench/history): 1,000 probes every second for 24 h is ~7.8 GB, 30 probes
   * every 10 s is ~23 MB. Minute aggregates cover the time after that.
   */
  sampleRetentionMs?: number;
  /** One-minute aggregates are kept this long (default `retentionMs`, never below `sampleRetentionMs`). */
  aggregateRetentionMs?: number;
  /** See Durability; default "process-crash" (WAL + synchronous=NORMAL). */
  durability?: Durability;
  /**
   * WAL pages (4 KiB) written before a checkpoint copies them into the database file, inside
   * the append that crosses the mark. More pages: higher write rate, longer worst append.
   */
  walAutocheckpointPages?: number;
  /** The store prunes itself this often using `clock` (default 60 s; 0 turns it off). */
  pruneIntervalMs?: number;
  /** Rows per retention batch (default 500): a smaller batch holds the event loop and write lock less long. */
  pruneBatchRows?: number;
  /** Samples and events kept in memory while writes fail, retried with the next write (default 100000). */
  pendingRowsMax?: number;
  /** Called on every failed write (for `satellite_history_write_errors_total`). */
  onWriteError?: (kind: string) => void;
  /** Lets other work run between retention batches (default: the next event-loop turn). */
  yieldToEventLoop?: () => Promise<void>;
  /** Checks the file once after opening (default: quick_check, in a worker thread unless the file is small). */
  integrityCheck?: IntegrityCheck;
}

export interface SqliteHistoryStore extends SeriesHistoryStore {
  /**
   * Rows given up on: malformed rows, rows SQLite refused outright, and rows that did not fit
   * the retry buffer while writes kept failing.
   */
  droppedRows(): number;
  /** Failed writes since start. */
  writeErrors(): number;
  /** The integrity check started at open; until it settles, health() does not wait for it. */
  integrity(): Promise<IntegrityResult>;
}

const DEFAULT_PRUNE_INTERVAL_MS = 60_000;
const DEFAULT_WAL_AUTOCHECKPOINT_PAGES = 10_000;
const PENDING_CHUNK_ROWS = 5000;
const DEFAULT_SAMPLE_RETENTION_MAX_MS = 24 * 3600_000;

/**
 * SQLite history. `appendSamples`/`appendEvents` resolve only after their transaction has
 * committed to the WAL, so an acknowledged write survives `kill -9`. A failing write does
 * not throw: the rows are kept (bounded) and retried with the next write, and `health()`
 * says what failed and what to do until a write succeeds again.
 * Throws SatelliteError (HISTORY_DIR_MISSING, HISTORY_DIR_UNWRITABLE, HISTORY_NOT_A_DATABASE,
 * HISTORY_SCHEMA_TOO_NEW, HISTORY_DAMAGED, HISTORY_OPEN_FAILED, STATE_FILE_SYMLINK) when the
 * database cannot be opened. Damage found later by the integrity check shows in health().
 */
export function createSqliteHistoryStore(options: SqliteHistoryStoreOptions): SqliteHistoryStore {
  const { path, clock, logger } = options;
  const db: Database = openHistoryDatabase(path, {
    durability: options.durability ?? "process-crash",
    walAutocheckpointPages: options.walAutocheckpointPages ?? DEFAULT_WAL_AUTOCHECKPOINT_PAGES,
  });
  // Started before anything else reads the file and never awaited here: a damaged page
  // elsewhere must not delay the start, it is reported through health() when found.
  const integrityRun = watchIntegrity(path, options.integrityCheck ?? quickCheckBySize(), logger);
  let knownSeries: ReturnType<typeof loadSeries>;
  let metricSeries: MetricSeriesIds;
  try {
    knownSeries = loadSeries(db);
    metricSeries = loadMetricSeries(db);
  } catch (error) {
    integrityRun.cancel();
    db.close();
    const code = sqliteCode(error);
    if (code.startsWith("SQLITE_CORRUPT") || code === "SQLITE_NOTADB") {
      throw new SatelliteError("HISTORY_DAMAGED", describeDamage(path, [describeError(error)]), { cause: error });
    }
    throw error;
  }
  const writer = createSqliteWriter(db, knownSeries);
  const metricWriter = createMetricWriter(db, metricSeries);
  const writeHealth = createWriteHealth({
    logger,
    target: path,
    advice: sqliteWriteAdvice(dirname(path)),
    onWriteError: options.onWriteError,
  });
  const sampleRetentionMs = options.sampleRetentionMs ?? Math.min(options.retentionMs, DEFAULT_SAMPLE_RETENTION_MAX_MS);
  const aggregateRetentionMs = Math.max(options.aggregateRetentionMs ?? options.retentionMs, sampleRetentionMs);
  const pendingRowsMax = options.pendingRowsMax ?? 100_000;
  const pauseFn = options.yieldToEventLoop ?? (() => new Promise<void>((resolve) => setImmediate(resolve)));
  const pending = new PendingRows(pendingRowsMax);
  let dropped = 0;
  let invalid = 0;
  let invalidLogged = false;
  let closed = false;

  // One transaction; on failure the rows join the bounded retry buffer (or are dropped and
  // counted when SQLite refuses the rows themselves). Returns whether it committed.
  const tryWrite = (
    what: string,
    samples: readonly ProbeSample[],
    events: readonly TimelineEvent[],
    fromPending = false,
  ): boolean => {
    try {
      writer.write(samples, events);
      writeHealth.succeeded();
      return true;
    } catch (error) {
      const kind = sqliteCode(error) || "unknown";
      writeHealth.failed(what, kind, error);
      if (isTransientSqliteError(kind)) {
        if (!fromPending) dropped += pending.keep(samples, events);
        return false;
      }
      // Retrying cannot help when the rows themselves are refused: count them instead of
      // letting them block every later write.
      dropped += samples.length + events.length;
      if (fromPending) pending.remove(samples.length, events.length);
      return false;
    }
  };

  const flush = (what: string, samples: readonly ProbeSample[], events: readonly TimelineEvent[]): void => {
    const cleanSamples = sanitizeAll(samples, sanitizeSample);
    const cleanEvents = sanitizeAll(events, sanitizeEvent);
    if (cleanSamples.length === 0 && cleanEvents.length === 0) return;
    // While writes fail only the new rows are tried, so a failing disk costs one small
    // transaction per append; the backlog follows in chunks once a write succeeds.
    if (tryWrite(what, cleanSamples, cleanEvents) && pending.size > 0) void drainPending();
  };

  // Writes one chunk of the backlog, oldest first; false when there is nothing left or it failed.
  const drainChunk = (): boolean => {
    const { samples, events } = pending.oldest(PENDING_CHUNK_ROWS);
    if (samples.length + events.length === 0) return false;
    if (!tryWrite("writing retried history rows", samples, events, true)) return false;
    pending.remove(samples.length, events.length);
    return true;
  };

  let draining = false;
  const drainPending = async (): Promise<void> => {
    if (draining) return;
    draining = true;
    try {
      while (!closed && drainChunk()) await pauseFn();
    } finally {
      draining = false;
    }
  };

  const sanitizeAll = <T>(rows: readonly T[], fn: (row: T) => T | undefined): T[] => {
    const out: T[] = [];
    for (const row of rows) {
      const clean = fn(row);
      if (clean) out.push(clean);
      else invalid++;
    }
    if (invalid > 0 && !invalidLogged) {
      // Once: the count keeps going up in droppedRows().
      logger.warn("malformed history rows refused (no time, node, checker, status or type; metric samples: bad name or a value that is not finite)", { path });
      invalidLogged = true;
    }
    return out;
  };

  // Numbers are not worth a retry buffer: a failed write is reported like any other and its
  // samples are counted as dropped (the next minute brings new ones).
  const writeMetrics = (samples: readonly MetricSample[]): void => {
    const clean = sanitizeAll(samples, sanitizeMetricSample);
    if (clean.length === 0) return;
    try {
      metricWriter.write(clean);
      writeHealth.succeeded();
    } catch (error) {
      writeHealth.failed("writing metric samples", sqliteCode(error) || "unknown", error);
      dropped += clean.length;
    }
  };

  const runPrune = async (nowMs: number): Promise<number> => {
    await drainPending();
    const control = {
      batchRows: options.pruneBatchRows ?? 500,
      pause: pauseFn,
      stopped: () => closed,
      runBatch: (fn: () => number) => {
        try {
          return fn();
        } catch (error) {
          writeHealth.failed("deleting expired history", sqliteCode(error) || "unknown", error);
          return 0;
        }
      },
    };
    const removed = await enforceRetention(
      db,
      knownSeries,
      {
        samplesBeforeMs: nowMs - sampleRetentionMs,
        aggregatesBeforeMs: nowMs - aggregateRetentionMs,
        eventsBeforeMs: nowMs - options.retentionMs,
      },
      control,
    );
    // Derived minute rows, like the probe aggregates: not counted.
    if (!closed) await enforceMetricRetention(db, metricSeries, nowMs - aggregateRetentionMs, control);
    return removed;
  };

  const pruner = createPruneRunner({
    clock,
    intervalMs: options.pruneIntervalMs ?? DEFAULT_PRUNE_INTERVAL_MS,
    run: runPrune,
    isClosed: () => closed,
    onError: (error) => writeHealth.failed("deleting expired history", sqliteCode(error) || "unknown", error),
  });

  return {
    async appendSamples(samples) {
      if (!closed) flush("writing probe samples", samples, []);
    },
    async appendEvents(events) {
      if (!closed) flush("writing timeline events", [], events);
    },
    async appendMetrics(samples) {
      if (!closed) writeMetrics(samples);
    },
    async queryEvents(query) {
      return closed ? [] : queryEvents(db, query);
    },
    async querySamples(query) {
      return closed ? [] : querySamples(db, query);
    },
    async querySeries(query) {
      return closed ? [] : querySeries(db, query, clock.nowMs());
    },
    async queryMetricSeries(query) {
      return closed ? [] : queryMetricSeries(db, query, clock.nowMs());
    },
    async listMetrics(query) {
      return closed ? [] : listMetricNames(db, query);
    },
    async queryLatest(query = {}) {
      return closed ? [] : queryLatest(db, query);
    },
    prune: pruner.prune,
    health(): StoreHealth {
      const damage = integrityRun.damage();
      return damage === undefined ? writeHealth.health() : { ok: false, error: damage };
    },
    integrity: () => integrityRun.result,
    droppedRows: () => dropped + invalid,
    writeErrors: () => writeHealth.errorCount(),
    async close() {
      if (closed) return;
      pruner.stop();
      integrityRun.cancel();
      // Last chance for rows that failed before; anything still failing is reported.
      while (drainChunk());
      closed = true;
      await pruner.idle();
      const lost = pending.size;
      if (lost > 0) {
        logger.error("history rows not written before close", { rows: lost, path, error: writeHealth.health().error });
      }
      db.close();
    },
  };
}
