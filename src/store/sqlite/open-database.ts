import { Database } from "bun:sqlite";
import { accessSync, constants, existsSync, statSync } from "node:fs";
import { dirname } from "node:path";
import { describeError, SatelliteError } from "../../platform/errors.ts";
import { ensurePrivateFile, narrowMode, refuseSymlink } from "../../platform/state-files.ts";
import { migrate } from "./schema.ts";

/**
 * How a commit survives a crash. Both survive `kill -9` of the agent (in WAL mode a commit is
 * in the OS page cache once `appendX` resolves). "power-loss" also fsyncs the WAL on every
 * commit, so a commit survives the machine losing power, at the price of one fsync per append.
 */
export type Durability = "process-crash" | "power-loss";

export interface OpenOptions {
  durability: Durability;
  /** WAL pages between automatic checkpoints (SQLite's default is 1000). */
  walAutocheckpointPages: number;
}

/**
 * Opens (creating if needed) and migrates the history database, or says why it cannot. The file
 * and SQLite's -wal and -shm files are private (0600; SQLite gives its side files the mode of
 * the database) and none of them may be a symbolic link (STATE_FILE_SYMLINK).
 */
export function openHistoryDatabase(path: string, options: OpenOptions): Database {
  const { durability } = options;
  const dir = dirname(path);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new SatelliteError("HISTORY_DIR_MISSING", `history database directory ${dir} does not exist (database ${path})`, {
      hint: `create it (mkdir -p ${dir}) or point --state-dir at an existing directory`,
    });
  }
  try {
    accessSync(dir, constants.W_OK);
  } catch (cause) {
    throw unwritable(path, cause);
  }
  for (const file of [path, `${path}-wal`, `${path}-shm`]) refuseSymlink(file, "history database");
  try {
    ensurePrivateFile(path, "history database");
  } catch (cause) {
    if (cause instanceof SatelliteError) throw cause;
    if (["EACCES", "EPERM", "EROFS"].includes(sqliteCode(cause))) throw unwritable(path, cause);
    throw classifyOpenError(path, cause);
  }
  narrowMode(`${path}-wal`);
  narrowMode(`${path}-shm`);
  let db: Database;
  try {
    db = new Database(path, { create: true, readwrite: true, strict: true });
  } catch (cause) {
    throw classifyOpenError(path, cause);
  }
  try {
    db.exec("PRAGMA busy_timeout = 5000");
    const mode = db.query("PRAGMA journal_mode = WAL").get() as { journal_mode: string } | null;
    if (mode?.journal_mode !== "wal") {
      throw new Error(`journal_mode is ${mode?.journal_mode ?? "unknown"}, WAL could not be enabled`);
    }
    db.exec(`PRAGMA synchronous = ${durability === "power-loss" ? "FULL" : "NORMAL"}`);
    // Each second's samples land on one index leaf per series; an 8 MiB cache keeps those
    // leaves hot. The checkpoint interval trades throughput against the longest append.
    db.exec("PRAGMA cache_size = -8192");
    db.exec(`PRAGMA wal_autocheckpoint = ${Math.max(1, Math.floor(options.walAutocheckpointPages))}`);
    db.exec("PRAGMA journal_size_limit = 67108864");
    migrate(db, path);
    return db;
  } catch (cause) {
    db.close();
    if (cause instanceof SatelliteError) throw cause;
    throw classifyOpenError(path, cause);
  }
}

function classifyOpenError(path: string, cause: unknown): SatelliteError {
  const code = sqliteCode(cause);
  if (code === "SQLITE_NOTADB" || code === "SQLITE_CORRUPT") {
    return new SatelliteError("HISTORY_NOT_A_DATABASE", `history database ${path} is not a SQLite database: ${describeError(cause)}`, {
      hint: `move ${path} aside (satellite then starts a new history) or point --state-dir elsewhere`,
      cause,
    });
  }
  if (code === "SQLITE_CANTOPEN" || code === "SQLITE_READONLY" || code === "SQLITE_PERM") {
    return unwritable(path, cause);
  }
  return new SatelliteError("HISTORY_OPEN_FAILED", `could not open history database ${path}: ${describeError(cause)}`, {
    hint: "check the file and its directory (permissions, free space, filesystem errors)",
    cause,
  });
}

function unwritable(path: string, cause: unknown): SatelliteError {
  return new SatelliteError("HISTORY_DIR_UNWRITABLE", `cannot write history database ${path}: ${describeError(cause)}`, {
    hint: `make ${dirname(path)} writable by the satellite user (and not on a read-only mount) or point --state-dir elsewhere`,
    cause,
  });
}

/** The SQLite result code name of an error (`SQLITE_FULL`), or "" when it is not from SQLite. */
export function sqliteCode(error: unknown): string {
  if (typeof error === "object" && error !== null && "code" in error) {
    const code = (error as { code: unknown }).code;
    if (typeof code === "string") return code;
  }
  return "";
}
