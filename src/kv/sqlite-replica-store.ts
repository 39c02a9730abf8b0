import { Database } from "bun:sqlite";
import { describeError, SatelliteError } from "../platform/errors.ts";
import { ensurePrivateFile, narrowMode, refuseSymlink } from "../platform/state-files.ts";
import { compareVersions } from "./kv-version.ts";
import type { KvRecord } from "./kv-record.ts";
import type { KvReplicaStore } from "./replica-store.ts";

interface Row {
  key: string;
  value: Uint8Array | null;
  tombstone: number;
  ms: number;
  counter: number;
  node: string;
}

/**
 * Replicas in SQLite (`<state dir>/kv.db`, private, WAL): they survive restarts, so a node that
 * comes back holds what it acknowledged and anti-entropy only brings what it missed.
 * `:memory:` keeps nothing (tests).
 */
export function openSqliteReplicaStore(path: string): KvReplicaStore {
  let db: Database;
  try {
    if (path !== ":memory:") {
      for (const file of [path, `${path}-wal`, `${path}-shm`]) refuseSymlink(file, "key-value database");
      ensurePrivateFile(path, "key-value database");
      narrowMode(`${path}-wal`);
      narrowMode(`${path}-shm`);
    }
    db = new Database(path, { create: true, readwrite: true, strict: true });
    db.exec("PRAGMA busy_timeout = 5000");
    if (path !== ":memory:") db.exec("PRAGMA journal_mode = WAL");
    db.exec("PRAGMA synchronous = NORMAL");
    db.exec(`CREATE TABLE IF NOT EXISTS kv (
      key TEXT PRIMARY KEY NOT NULL,
      value BLOB,
      tombstone INTEGER NOT NULL,
      ms INTEGER NOT NULL,
      counter INTEGER NOT NULL,
      node TEXT NOT NULL
    ) WITHOUT ROWID`);
    db.exec("CREATE INDEX IF NOT EXISTS kv_tombstones ON kv (ms) WHERE tombstone = 1");
  } catch (cause) {
    if (cause instanceof SatelliteError) throw cause;
    throw new SatelliteError("KV_STORE_OPEN_FAILED", `could not open the key-value database ${path}: ${describeError(cause)}`, {
      hint: "check the state directory (permissions, free space); move a damaged kv.db aside and the other replicas fill it again",
      cause,
    });
  }
  const selectOne = db.query<Row, [string]>("SELECT key, value, tombstone, ms, counter, node FROM kv WHERE key = ?");
  const upsert = db.query(
    "INSERT INTO kv (key, value, tombstone, ms, counter, node) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value, tombstone = excluded.tombstone, ms = excluded.ms, counter = excluded.counter, node = excluded.node",
  );
  // Keys are compared as SQLite's BINARY collation does (UTF-8 bytes); the range query is the
  // prefix's own, so a key with the prefix always sorts at or after it.
  const scanQuery = db.query<Row, [string, string, number]>("SELECT key, value, tombstone, ms, counter, node FROM kv WHERE key >= ? AND key > ? ORDER BY key LIMIT ?");
  const purge = db.query("DELETE FROM kv WHERE tombstone = 1 AND ms < ?");
  const countQuery = db.query<{ n: number }, []>("SELECT count(*) AS n FROM kv");
  const applyTx = db.transaction((record: KvRecord): boolean => {
    const held = selectOne.get(record.key);
    if (held && compareVersions(record.version, toRecord(held).version) <= 0) return false;
    upsert.run(record.key, record.value ?? null, record.value === undefined ? 1 : 0, record.version.ms, record.version.counter, record.version.node);
    return true;
  });
  const failed = (what: string, cause: unknown) =>
    new SatelliteError("KV_STORE_FAILED", `key-value database ${path}: ${what} failed: ${describeError(cause)}`, { hint: "check the disk under the state directory (free space, errors)", cause });
  return {
    get(key) {
      const row = selectOne.get(key);
      return row ? toRecord(row) : undefined;
    },
    apply(record) {
      try {
        return applyTx(record);
      } catch (cause) {
        throw failed(`storing ${JSON.stringify(record.key)}`, cause);
      }
    },
    scan(prefix, afterKey, limit) {
      const out: KvRecord[] = [];
      // Rows past the prefix end the scan: keys are in order.
      for (const row of scanQuery.all(prefix, afterKey ?? "", limit + 1)) {
        if (!row.key.startsWith(prefix) || out.length >= limit) break;
        out.push(toRecord(row));
      }
      return out;
    },
    purgeTombstones(beforeMs) {
      return purge.run(beforeMs).changes;
    },
    count: () => countQuery.get()?.n ?? 0,
    close: () => db.close(),
  };
}

function toRecord(row: Row): KvRecord {
  return { key: row.key, value: row.tombstone === 1 ? undefined : new Uint8Array(row.value ?? new Uint8Array()), version: { ms: row.ms, counter: row.counter, node: row.node } };
}
