import { writeSync } from "node:fs";

/** What the writer needs of process.stderr once it falls back to it. */
export interface LineStream {
  write(chunk: Uint8Array | string): unknown;
}

/**
 * Writes log lines to standard error without process.stderr. Creating that stream evaluates
 * Node's stream modules: about 10 ms of CPU at every agent start, before the first log line and
 * so before the join (docs/performance.md). Each line is written to fd 2 directly, as serf's
 * (Go's) logger does and as Node writes to a pipe or file on Linux: it may block while a full
 * pipe drains. When fd 2 refuses a write (a non-blocking pipe that is full, a closed
 * descriptor), the rest of that line and every later one go through `stream` (process.stderr),
 * so no line overtakes another.
 */
export function createStderrLineWriter(
  write: (fd: number, bytes: Uint8Array, offset: number, length: number) => number = writeSync,
  stream: () => LineStream = () => process.stderr,
): (line: string) => void {
  let direct = true;
  const encoder = new TextEncoder();
  return (line) => {
    if (!direct) {
      stream().write(`${line}\n`);
      return;
    }
    const bytes = encoder.encode(`${line}\n`);
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
}
