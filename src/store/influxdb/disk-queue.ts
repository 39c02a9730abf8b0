import { closeSync, constants, existsSync, openSync, readFileSync, readSync, renameSync, statSync, truncateSync, writeSync } from "node:fs";
import { ensurePrivateFile, refuseSymlink, writeNewPrivateFile, writePrivateFileAtomic } from "../../platform/state-files.ts";

/**
 * A bounded, append-only file of line-protocol lines waiting for InfluxDB, plus a sidecar
 * file with the byte offset of the first line not yet sent. Delivery is at-least-once: a
 * crash between a successful send and the offset update resends lines, which InfluxDB
 * stores once (same measurement, tags and timestamp overwrite). Lines that would push the
 * unsent bytes over `bytesMax` are refused and counted by the caller. Its files are private
 * (0600) and a symbolic link at any of their paths is refused at open (STATE_FILE_SYMLINK).
 */
export interface DiskQueue {
  /** Appends lines in order until the bound; returns how many were taken. */
  append(lines: readonly string[]): number;
  /** Up to `bytesMax` bytes of whole lines from the front, without removing them. */
  peek(bytesMax: number): { lines: string[]; endOffset: number };
  /** Marks everything before `endOffset` (from `peek`) as sent. */
  commit(endOffset: number): void;
  pendingBytes(): number;
  pendingLines(): number;
  readonly path: string;
}

export function openDiskQueue(path: string, bytesMax: number): DiskQueue {
  const offsetPath = `${path}.offset`;
  for (const file of [offsetPath, `${path}.tmp`, `${offsetPath}.tmp`]) refuseSymlink(file, "InfluxDB queue file");
  ensurePrivateFile(path, "InfluxDB queue file");
  let size = statSync(path).size;
  let offset = readOffset(offsetPath, size);
  // A crash in the middle of an append leaves a partial last line: cut it off.
  if (size > 0 && lastByte(path, size) !== 0x0a) {
    const content = readFileSync(path);
    size = content.lastIndexOf(0x0a) + 1;
    truncateSync(path, size);
    offset = Math.min(offset, size);
  }
  let lines = countLines(path, offset, size);

  const saveOffset = (): void => writePrivateFileAtomic(offsetPath, String(offset));

  // Once the sent part is most of the file, rewrite the unsent tail so the file stays bounded.
  const compact = (): void => {
    if (offset === size) {
      truncateSync(path, 0);
      size = 0;
      offset = 0;
      saveOffset();
      return;
    }
    if (offset < size / 2 || offset < 1 << 20) return;
    const tail = readRange(path, offset, size);
    writeNewPrivateFile(`${path}.tmp`, tail);
    // Offset first: a crash between the two renames resends, never skips.
    offset = 0;
    saveOffset();
    renameSync(`${path}.tmp`, path);
    size = tail.length;
  };

  return {
    path,
    append(newLines) {
      let taken = 0;
      const chunks: string[] = [];
      let added = 0;
      for (const line of newLines) {
        const bytes = Buffer.byteLength(line) + 1;
        if (size - offset + added + bytes > bytesMax) break;
        chunks.push(line);
        added += bytes;
        taken++;
      }
      if (taken > 0) {
        appendPrivate(path, `${chunks.join("\n")}\n`);
        size += added;
        lines += taken;
      }
      return taken;
    },
    peek(bytesMax) {
      if (offset >= size) return { lines: [], endOffset: offset };
      const chunk = readRange(path, offset, Math.min(size, offset + bytesMax));
      let end = chunk.lastIndexOf(0x0a) + 1;
      // A single line longer than bytesMax still goes out alone.
      if (end === 0) end = readRange(path, offset, size).indexOf(0x0a) + 1;
      const text = readRange(path, offset, offset + end).toString("utf8");
      return { lines: text.split("\n").slice(0, -1), endOffset: offset + end };
    },
    commit(endOffset) {
      const sent = countLines(path, offset, endOffset);
      offset = Math.min(endOffset, size);
      lines -= sent;
      saveOffset();
      compact();
    },
    pendingBytes: () => size - offset,
    pendingLines: () => lines,
  };
}

function readOffset(offsetPath: string, size: number): number {
  if (!existsSync(offsetPath)) return 0;
  const value = Number(readFileSync(offsetPath, "utf8").trim());
  return Number.isInteger(value) && value >= 0 && value <= size ? value : 0;
}

function readRange(path: string, start: number, end: number): Buffer {
  const buffer = Buffer.alloc(Math.max(0, end - start));
  if (buffer.length === 0) return buffer;
  const fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    let read = 0;
    while (read < buffer.length) {
      const n = readSync(fd, buffer, read, buffer.length - read, start + read);
      if (n === 0) break;
      read += n;
    }
    return buffer.subarray(0, read);
  } finally {
    closeSync(fd);
  }
}

function lastByte(path: string, size: number): number | undefined {
  return readRange(path, size - 1, size)[0];
}

function countLines(path: string, start: number, end: number): number {
  let count = 0;
  const step = 1 << 20;
  for (let at = start; at < end; at += step) {
    const chunk = readRange(path, at, Math.min(end, at + step));
    for (const byte of chunk) if (byte === 0x0a) count++;
  }
  return count;
}

function appendPrivate(path: string, text: string): void {
  const fd = openSync(path, constants.O_WRONLY | constants.O_APPEND | constants.O_NOFOLLOW);
  try {
    const bytes = Buffer.from(text);
    let written = 0;
    while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
  } finally {
    closeSync(fd);
  }
}
