import type { Database } from "bun:sqlite";
import { SatelliteError } from "../../platform/errors.ts";

/**
 * Schema migrations, applied in order; `PRAGMA user_version` holds how many have run. Append
 * new steps, never edit an old one: databases in the field have already run it.
 */
export const MIGRATIONS: readonly string[] = [
  // 1: raw samples and the original agent's events table. Missing text fields are '' (not
  // NULL) so the unique index sees "no node" events as equal and ignores duplicates.
  `CREATE TABLE samples (
     ts INTEGER NOT NULL,
     node TEXT NOT NULL,
     checker TEXT NOT NULL,
     status TEXT NOT NULL,
     severity TEXT,
     duration_ms REAL NOT NULL,
     error TEXT
   );
   CREATE INDEX samples_series_ts ON samples (checker, node, ts);
   CREATE TABLE events (
     id INTEGER PRIMARY KEY,
     timestamp INTEGER NOT NULL,
     type TEXT NOT NULL,
     node TEXT NOT NULL DEFAULT '',
     probe TEXT NOT NULL DEFAULT '',
     oldState TEXT NOT NULL DEFAULT '',
     newState TEXT NOT NULL DEFAULT ''
   );
   CREATE UNIQUE INDEX events_unique ON events (timestamp, type, node, probe, oldState, newState);`,
  // 2: one-minute aggregates per (checker, node), kept longer than raw samples, and the list
  // of series so retention and "latest sample" walk an index per series instead of the table.
  `CREATE TABLE samples_1m (
     checker TEXT NOT NULL,
     node TEXT NOT NULL,
     minute INTEGER NOT NULL,
     count INTEGER NOT NULL,
     failures INTEGER NOT NULL,
     min_ms REAL NOT NULL,
     sum_ms REAL NOT NULL,
     max_ms REAL NOT NULL,
     PRIMARY KEY (checker, node, minute)
   ) WITHOUT ROWID;
   CREATE TABLE series (
     checker TEXT NOT NULL,
     node TEXT NOT NULL,
     PRIMARY KEY (checker, node)
   ) WITHOUT ROWID;
   INSERT OR IGNORE INTO series (checker, node) SELECT DISTINCT checker, node FROM samples;
   INSERT OR REPLACE INTO samples_1m (checker, node, minute, count, failures, min_ms, sum_ms, max_ms)
     SELECT checker, node, (ts / 60000) * 60000, COUNT(*), SUM(status <> 'running'),
            MIN(duration_ms), SUM(duration_ms), MAX(duration_ms)
     FROM samples GROUP BY checker, node, ts / 60000;`,
  // 3: numbers measured by checks and gossip (store/metric-series.ts), as one-minute
  // aggregates only: a series costs one row per minute however often it is measured. Series
  // get a small integer id so the minute rows stay narrow.
  `CREATE TABLE metric_series (
     id INTEGER PRIMARY KEY,
     metric TEXT NOT NULL,
     node TEXT NOT NULL,
     peer TEXT NOT NULL DEFAULT ''
   );
   CREATE UNIQUE INDEX metric_series_name ON metric_series (metric, node, peer);
   CREATE TABLE metrics_1m (
     series INTEGER NOT NULL,
     minute INTEGER NOT NULL,
     count INTEGER NOT NULL,
     min_value REAL NOT NULL,
     sum_value REAL NOT NULL,
     max_value REAL NOT NULL,
     PRIMARY KEY (series, minute)
   ) WITHOUT ROWID;`,
  // 4: why a probe failed, on its ProbeFailed event, so the reason outlives the failure. Not
  // part of the unique index: the same change reported twice is still one event.
  `ALTER TABLE events ADD COLUMN error TEXT NOT NULL DEFAULT '';`,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/** Brings the database to SCHEMA_VERSION; each step is one transaction with its version bump. */
export function migrate(db: Database, path: string): void {
  const current = userVersion(db);
  if (current > SCHEMA_VERSION) {
    throw new SatelliteError(
      "HISTORY_SCHEMA_TOO_NEW",
      `history database ${path} has schema version ${current}, this satellite knows up to ${SCHEMA_VERSION}`,
      { hint: "run a satellite version at least as new as the one that wrote it, or move the file aside to start a new history" },
    );
  }
  for (let version = current; version < SCHEMA_VERSION; version++) {
    const step = MIGRATIONS[version] as string;
    db.transaction(() => {
      db.exec(step);
      db.exec(`PRAGMA user_version = ${version + 1}`);
    })();
  }
}

export function userVersion(db: Database): number {
  const row = db.query("PRAGMA user_version").get() as { user_version: number } | null;
  return row?.user_version ?? 0;
}
