import { FFIType } from "bun:ffi";
import { readFileSync, readlinkSync } from "node:fs";
import { openLibc } from "./libc.ts";
import { droppableCodeRanges } from "./smaps-code-ranges.ts";

/** madvise(2) advice on Linux x86-64 and arm64: free the pages no other process maps (Linux 5.4+). */
const MADV_PAGEOUT = 21;
/** Unmap the rest from this process; the next touch maps them from the page cache again. */
const MADV_DONTNEED = 4;

export type CodePagesDropped = { dropped: true; ranges: number; residentBytes: number } | { dropped: false; reason: string };

/**
 * Drops the resident pages of this process's executable code and constants, so only those the
 * agent touches again come back. Starting touches most of the runtime (parser, bytecode loader,
 * module set-up): 36 MiB of an idle agent's RSS were pages of the executable, and 12 MiB of them
 * were touched again in the next minute. Only read-only mappings of the executable whose
 * pages are all clean copies of the file are dropped (smaps-code-ranges.ts): what the kernel
 * does to such pages under memory pressure is the same. The executable is the one file whose
 * contents cannot change under the process (writing it fails with ETXTBSY).
 */
export function dropExecutableCodePages(): CodePagesDropped {
  if (process.platform !== "linux") return { dropped: false, reason: `not Linux (${process.platform})` };
  const libc = openLibc({ madvise: { args: [FFIType.u64, FFIType.u64, FFIType.i32], returns: FFIType.i32 } });
  if (!libc) return { dropped: false, reason: "no C library to call madvise from" };
  let ranges;
  try {
    ranges = droppableCodeRanges(readFileSync("/proc/self/smaps", "utf8"), readlinkSync("/proc/self/exe"));
  } catch (error) {
    return { dropped: false, reason: `cannot read /proc/self/smaps: ${error instanceof Error ? error.message : String(error)}` };
  }
  let residentBytes = 0;
  let dropped = 0;
  for (const range of ranges) {
    const start = BigInt(range.start);
    const length = BigInt(range.length);
    // Paged out, a page is read again from the file when touched: the page cache keeps nothing
    // for pages only this agent uses, and only the pages read back are resident (a page that is
    // only unmapped comes back with the neighbours the page cache holds: 16 against 10 MiB).
    // Refused on kernels before 5.4; the unmapping below is enough there.
    libc.madvise(start, length, MADV_PAGEOUT);
    if (libc.madvise(start, length, MADV_DONTNEED) !== 0) continue;
    dropped++;
    residentBytes += range.residentBytes;
  }
  if (ranges.length > 0 && dropped === 0) return { dropped: false, reason: "madvise refused every mapping of the executable" };
  return { dropped: true, ranges: dropped, residentBytes };
}
