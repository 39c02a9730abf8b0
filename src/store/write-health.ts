import type { Logger } from "../platform/logger.ts";
import { describeError } from "../platform/errors.ts";
import type { StoreHealth } from "./history-store.ts";

/**
 * Turns write failures into `health()` and one log line per kind of error, instead of
 * exceptions: a full disk must not stop the agent from probing. The first success after a
 * failure logs the recovery and makes health ok again.
 */
export interface WriteHealth {
  /** `what` is the operation ("writing probe samples"); `kind` groups errors for logging. */
  failed(what: string, kind: string, error: unknown): void;
  succeeded(): void;
  health(): StoreHealth;
  /** Write failures since start. */
  errorCount(): number;
}

export interface WriteHealthOptions {
  logger: Logger;
  /** Where the data goes, named in messages (a file path or URL). */
  target: string;
  /** What to tell the operator for an error kind. */
  advice: (kind: string) => string;
  onWriteError?: (kind: string) => void;
}

export function createWriteHealth(options: WriteHealthOptions): WriteHealth {
  const loggedKinds = new Set<string>();
  let lastError: string | undefined;
  let errors = 0;
  return {
    failed(what, kind, error) {
      errors++;
      lastError = `${what} at ${options.target}: ${describeError(error)}; ${options.advice(kind)}`;
      options.onWriteError?.(kind);
      if (loggedKinds.has(kind)) return;
      loggedKinds.add(kind);
      options.logger.error("history write failed", { kind, error: lastError });
    },
    succeeded() {
      if (lastError === undefined) return;
      options.logger.info("history writes recovered", { target: options.target, previousError: lastError });
      lastError = undefined;
      loggedKinds.clear();
    },
    health() {
      return lastError === undefined ? { ok: true } : { ok: false, error: lastError };
    },
    errorCount: () => errors,
  };
}

/** Advice for SQLite result codes met while writing. */
export function sqliteWriteAdvice(dir: string): (kind: string) => string {
  return (kind) => {
    switch (kind) {
      case "SQLITE_FULL":
        return `free space on the filesystem holding ${dir}; writes resume by themselves`;
      case "SQLITE_READONLY":
      case "SQLITE_READONLY_DBMOVED":
      case "SQLITE_PERM":
      case "SQLITE_CANTOPEN":
        return `make ${dir} writable again (read-only remount or permissions?); writes resume by themselves`;
      case "SQLITE_BUSY":
      case "SQLITE_LOCKED":
        return "another process holds the database; stop it (only one satellite per state dir)";
      default:
        return `check the disk and filesystem holding ${dir} (dmesg, free space, permissions)`;
    }
  };
}
