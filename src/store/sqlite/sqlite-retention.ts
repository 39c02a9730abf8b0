import type { Database } from "bun:sqlite";
import { seriesKey } from "./sqlite-writes.ts";

export interface RetentionCutoffs {
  /** Raw samples with `ts` before this go. */
  samplesBeforeMs: number;
  /** Minute aggregates starting before this go. */
  aggregatesBeforeMs: number;
  /** Events with `timestamp` before this go. */
  eventsBeforeMs: number;
}

/** Where a pass is allowed to pause and whether it should stop (the store closed). */
export interface RetentionControl {
  batchRows: number;
  /** Called between batches so appends and queries run in between. */
  pause: () => Promise<void>;
  stopped: () => boolean;
  /** Wraps each batch, so a failing DELETE is reported like a failing write. */
  runBatch: (fn: () => number) => number;
}

/**
 * Deletes expired rows in batches of at most `batchRows`, each its own short transaction,
 * walking the per-series index (checker, node, ts) so no batch scans the table. Returns the
 * samples and events removed (derived minute rows are not counted). Series with nothing left
 * are forgotten.
 */
export async function enforceRetention(
  db: Database,
  knownSeries: Set<string>,
  cutoffs: RetentionCutoffs,
  control: RetentionControl,
): Promise<number> {
  const limit = control.batchRows;
  const deleteSamples = db.query(
    `DELETE FROM samples WHERE rowid IN
       (SELECT rowid FROM samples WHERE checker = ? AND node = ? AND ts < ? LIMIT ${limit})`,
  );
  const deleteMinutes = db.query(
    `DELETE FROM samples_1m WHERE checker = ? AND node = ? AND minute IN
       (SELECT minute FROM samples_1m WHERE checker = ? AND node = ? AND minute < ? LIMIT ${limit})`,
  );
  const deleteEvents = db.query(
    `DELETE FROM events WHERE id IN (SELECT id FROM events WHERE timestamp < ? ORDER BY timestamp LIMIT ${limit})`,
  );
  const hasMinutes = db.query("SELECT 1 FROM samples_1m WHERE checker = ? AND node = ? LIMIT 1");
  const hasSamples = db.query("SELECT 1 FROM samples WHERE checker = ? AND node = ? LIMIT 1");
  const forget = db.query("DELETE FROM series WHERE checker = ? AND node = ?");

  let removed = 0;
  const drain = async (batch: () => number, counted = true): Promise<boolean> => {
    for (;;) {
      if (control.stopped()) return false;
      const n = control.runBatch(batch);
      if (counted) removed += n;
      if (n < limit) return true;
      await control.pause();
    }
  };

  const series = db.query("SELECT checker, node FROM series").all() as { checker: string; node: string }[];
  for (const { checker, node } of series) {
    const samplesDone = await drain(() => deleteSamples.run(checker, node, cutoffs.samplesBeforeMs).changes);
    if (!samplesDone) return removed;
    const minutesDone = await drain(
      () => deleteMinutes.run(checker, node, checker, node, cutoffs.aggregatesBeforeMs).changes,
      false,
    );
    if (!minutesDone) return removed;
    const empty = control.runBatch(() =>
      hasMinutes.get(checker, node) === null && hasSamples.get(checker, node) === null ? 1 : 0,
    );
    if (empty === 1) {
      control.runBatch(() => forget.run(checker, node).changes);
      knownSeries.delete(seriesKey(checker, node));
    }
    await control.pause();
  }
  await drain(() => deleteEvents.run(cutoffs.eventsBeforeMs).changes);
  return removed;
}
