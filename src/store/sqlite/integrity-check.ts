import { Database } from "bun:sqlite";
import { statSync } from "node:fs";
import { basename, dirname } from "node:path";
import { assertNever } from "../../platform/assert-never.ts";
import type { Logger } from "../../platform/logger.ts";

/**
 * SQLite's `PRAGMA quick_check` over the history database. It reads every page, which takes
 * seconds on a large history, so it runs on a second, read-only connection in a worker thread:
 * the agent's event loop (`/livez`, the first join, probes) never waits for it. A small file
 * (a new agent, a short history) is checked on the calling thread instead (quickCheckBySize).
 */
export type IntegrityResult =
  | { kind: "ok" }
  /** The database is damaged; `problems` are quick_check's first lines. */
  | { kind: "damaged"; problems: string[] }
  /** The check itself could not run (not a verdict on the file). */
  | { kind: "unchecked"; reason: string };

/** Checks the database at `path`; never rejects. */
export type IntegrityCheck = (path: string) => Promise<IntegrityResult> & { cancel(): void };

/** quick_check stops after this many problems; the first few say enough. */
const PROBLEMS_MAX = 10;

// Inline so the compiled executable needs no separate worker file.
const WORKER_SOURCE = `
import { Database } from "bun:sqlite";
self.onmessage = (event) => {
  let db;
  try {
    db = new Database(event.data.path, { readonly: true });
    const rows = db.query("PRAGMA quick_check(" + event.data.problemsMax + ")").values();
    postMessage({ rows: rows.map((row) => String(row[0])) });
  } catch (error) {
    postMessage({ error: String(error && error.message ? error.message : error), code: String(error && error.code ? error.code : "") });
  } finally {
    try { db && db.close(); } catch {}
  }
};`;

type WorkerAnswer = { rows: string[] } | { error: string; code: string };

/** The real check: `PRAGMA quick_check` in a worker thread. */
export const quickCheckInWorker: IntegrityCheck = (path) => {
  let worker: Worker | undefined;
  let url: string | undefined;
  let settle: (result: IntegrityResult) => void = () => {};
  const result = new Promise<IntegrityResult>((resolve) => {
    let done = false;
    settle = (r) => {
      if (done) return;
      done = true;
      worker?.terminate();
      // Revoked only now: the worker loads its source asynchronously.
      if (url) URL.revokeObjectURL(url);
      resolve(r);
    };
    try {
      url = URL.createObjectURL(new Blob([WORKER_SOURCE], { type: "application/javascript" }));
      worker = new Worker(url);
      // A check still running must not keep a stopping agent alive.
      worker.unref();
      worker.onmessage = (event: MessageEvent<WorkerAnswer>) => settle(interpret(event.data));
      worker.onerror = (event) => settle({ kind: "unchecked", reason: `the check's worker failed: ${event.message}` });
      worker.postMessage({ path, problemsMax: PROBLEMS_MAX });
    } catch (error) {
      settle({ kind: "unchecked", reason: `cannot start the check: ${String(error)}` });
    }
  });
  return Object.assign(result, { cancel: () => settle({ kind: "unchecked", reason: "cancelled" }) });
};

/**
 * Database plus WAL up to this size is checked on the calling thread: quick_check over 1 MiB
 * takes about a millisecond, while a worker thread costs 30-50 ms of CPU and about 1 MiB of
 * memory that stays with the process (measured with bench/cost/idle.ts and a compiled agent).
 */
export const INLINE_CHECK_BYTES_MAX = 1 << 20;

/** `PRAGMA quick_check` on a read-only connection of the calling thread; never rejects. */
export const quickCheckInline: IntegrityCheck = (path) => {
  let answer: WorkerAnswer;
  let db: Database | undefined;
  try {
    db = new Database(path, { readonly: true });
    const rows = db.query(`PRAGMA quick_check(${PROBLEMS_MAX})`).values();
    answer = { rows: rows.map((row) => String(row[0])) };
  } catch (error) {
    const e = error as { message?: unknown; code?: unknown };
    answer = { error: String(e?.message ?? error), code: String(e?.code ?? "") };
  } finally {
    try {
      db?.close();
    } catch {
      // the verdict is already taken
    }
  }
  return Object.assign(Promise.resolve(interpret(answer)), { cancel: () => {} });
};

/** Bytes of the database and its WAL; 0 for a file that is not there. */
function databaseBytes(path: string): number {
  const size = (p: string) => {
    try {
      return statSync(p).size;
    } catch {
      return 0;
    }
  };
  return size(path) + size(`${path}-wal`);
}

/** The check for the file's size: inline up to `inlineBytesMax`, in a worker thread above it. */
export function quickCheckBySize(
  sizeOf: (path: string) => number = databaseBytes,
  inlineBytesMax = INLINE_CHECK_BYTES_MAX,
  inline: IntegrityCheck = quickCheckInline,
  worker: IntegrityCheck = quickCheckInWorker,
): IntegrityCheck {
  return (path) => (sizeOf(path) <= inlineBytesMax ? inline(path) : worker(path));
}

function interpret(answer: WorkerAnswer): IntegrityResult {
  if ("rows" in answer) {
    if (answer.rows.length === 1 && answer.rows[0] === "ok") return { kind: "ok" };
    return { kind: "damaged", problems: answer.rows.slice(0, PROBLEMS_MAX) };
  }
  // SQLite refusing to read a page is as much a verdict as a list of problems.
  if (answer.code.startsWith("SQLITE_CORRUPT") || answer.code === "SQLITE_NOTADB") return { kind: "damaged", problems: [answer.error] };
  return { kind: "unchecked", reason: answer.error };
}

/** What `/readyz` and the log say about a damaged database: what is wrong and exactly what to do. */
export function describeDamage(path: string, problems: readonly string[]): string {
  const shown = problems.slice(0, 3).join("; ");
  const dir = dirname(path);
  const name = basename(path);
  return (
    `history database ${path} is damaged (integrity check: ${shown}); history may be missing and new rows may be lost. ` +
    `To start a new history: stop satellite, move ${name}, ${name}-wal and ${name}-shm out of ${dir} ` +
    `(mkdir ${dir}/damaged && mv ${path}* ${dir}/damaged/) and start satellite again: it creates a new, empty ${name}`
  );
}

export interface IntegrityWatch {
  result: Promise<IntegrityResult>;
  /** What to report while the database is known to be damaged; undefined otherwise (also while checking). */
  damage(): string | undefined;
  cancel(): void;
}

/** Runs `check` once and keeps its verdict for health(); logs damage once, with what to do. */
export function watchIntegrity(path: string, check: IntegrityCheck, logger: Logger): IntegrityWatch {
  const run = check(path);
  let damage: string | undefined;
  let cancelled = false;
  const result = run.then((r) => {
    switch (r.kind) {
      case "ok":
        break;
      case "damaged":
        damage = describeDamage(path, r.problems);
        logger.error("history database damaged", { path, error: damage });
        break;
      case "unchecked":
        if (!cancelled) logger.warn("history integrity check did not run", { path, reason: r.reason });
        break;
      default:
        assertNever(r, "integrity result");
    }
    return r;
  });
  return {
    result,
    damage: () => damage,
    cancel: () => {
      cancelled = true;
      run.cancel();
    },
  };
}
