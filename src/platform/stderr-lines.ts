import { writeSync } from "node:fs";

/** What the writer needs of process.stderr once it falls back to it. */
export interface LineStream {
  write(chunk: Uint8Array | string): unknown;
}

/** Writes one log line; `flush` hands every line written so far to fd 2 before it returns. */
export interface StderrLineWriter {
  (line: string): void;
  flush(): void;
}

/** Lines held for one flush at most: past this, a flush happens at once (bounded memory, bounded delay). */
export const PENDING_BYTES_MAX = 64 * 1024;

/**
 * Writes log lines to standard error without process.stderr. Creating that stream evaluates
 * Node's stream modules: about 10 ms of CPU at every agent start, before the first log line and
 * so before the join (docs/performance.md). Lines are written to fd 2 directly, as serf's (Go's)
 * logger does and as Node writes to a pipe or file on Linux: it may block while a full pipe
 * drains.
 *
 * The lines of one turn of the event loop go out in one write: `schedule` (a microtask) runs the
 * flush right after the code that logged them, before any timer, I/O or later turn. A join that
 * brings 100 members logs 100 lines at once, and a write per line was 5 % of an agent's
 * JavaScript in a join burst. Nothing waits longer than the turn: `flush()` on exit (the
 * composition root registers it) writes what process.exit would otherwise drop, and more than
 * PENDING_BYTES_MAX is written at once.
 *
 * When fd 2 refuses a write (a non-blocking pipe that is full, a closed descriptor), the rest of
 * that write and every later line go through `stream` (process.stderr), so no line overtakes
 * another.
 */
export function createStderrLineWriter(
  write: (fd: number, bytes: Uint8Array, offset: number, length: number) => number = writeSync,
  stream: () => LineStream = () => process.stderr,
  schedule: (flush: () => void) => void = queueMicrotask,
): StderrLineWriter {
  let direct = true;
  let pending = "";
  let scheduled = false;
  const encoder = new TextEncoder();
  const writeOut = (text: string): void => {
    if (!direct) {
      stream().write(text);
      return;
    }
    const bytes = encoder.encode(text);
    let offset = 0;
    try {
      while (offset < bytes.length) {
        const written = write(2, bytes, offset, bytes.length - offset);
        if (!(written > 0)) throw new Error(`write to standard error wrote ${written} bytes`);
        offset += written;
      }
    } catch {
      direct = false;
      stream().write(bytes.subarray(offset));
    }
  };
  const flush = (): void => {
    if (pending === "") return;
    const text = pending;
    pending = "";
    writeOut(text);
  };
  // One scheduled flush per turn at most: an early flush (the bound, exit) leaves it in place.
  const flushScheduled = (): void => {
    scheduled = false;
    flush();
  };
  const line = (text: string): void => {
    pending += `${text}\n`;
    // String length counts UTF-16 units, not bytes: a bound within a factor of three is enough here.
    if (pending.length >= PENDING_BYTES_MAX) return flush();
    if (!scheduled) {
      scheduled = true;
      schedule(flushScheduled);
    }
  };
  return Object.assign(line, { flush });
}
