import { describe, expect, test } from "bun:test";
import { droppableCodeRanges } from "../../src/platform/smaps-code-ranges.ts";

const EXE = "/usr/local/bin/satellite";

/** A mapping as /proc/PID/smaps shows it (fields cut to those read, plus one that is not). */
function mapping(range: string, permissions: string, path: string, rssKiB: number, anonymousKiB: number | undefined): string {
  const lines = [`${range} ${permissions} 00000000 fe:00 5315576                            ${path}`, `Size:              1024 kB`, `Rss:               ${rssKiB} kB`];
  if (anonymousKiB !== undefined) lines.push(`Anonymous:         ${anonymousKiB} kB`);
  lines.push("VmFlags: rd mr mw me sd");
  return lines.join("\n");
}

describe("droppableCodeRanges", () => {
  test("takes the executable's clean read-only mappings and nothing else", () => {
    const smaps = [
      mapping("00200000-01a39000", "r--p", EXE, 5092, 0),
      mapping("01a40000-0684a000", "r-xp", EXE, 30952, 0),
      // .data and .bss: written by the process.
      mapping("0684a000-0685f000", "rw-p", EXE, 84, 56),
      // RELRO: read-only now, but the dynamic linker wrote it (copied-on-write pages).
      mapping("0685f000-06867000", "r--p", EXE, 12, 12),
      mapping("7f4484841000-7f4484997000", "r-xp", "/usr/lib/x86_64-linux-gnu/libc.so.6", 1304, 0),
      mapping("7f4300000000-7f4400000000", "rw-p", "", 784, 784),
      // Nothing resident: nothing to drop.
      mapping("7f4400000000-7f4400001000", "r--p", EXE, 0, 0),
      // A shared mapping of the file: its pages are the file's, not the process's.
      mapping("7f4400001000-7f4400002000", "r--s", EXE, 4, 0),
    ].join("\n");
    expect(droppableCodeRanges(smaps, EXE)).toEqual([
      { start: 0x200000, length: 0x1a39000 - 0x200000, residentBytes: 5092 * 1024 },
      { start: 0x1a40000, length: 0x684a000 - 0x1a40000, residentBytes: 30952 * 1024 },
    ]);
  });

  test("a mapping whose Anonymous field is missing (a cut-off read) is kept", () => {
    const smaps = [mapping("01a40000-0684a000", "r-xp", EXE, 30952, undefined), mapping("00200000-01a39000", "r--p", EXE, 5092, 0)].join("\n");
    expect(droppableCodeRanges(smaps, EXE).map((r) => r.start)).toEqual([0x200000]);
    expect(droppableCodeRanges(mapping("01a40000-0684a000", "r-xp", EXE, 30952, undefined), EXE)).toEqual([]);
  });

  test("matches the file by its whole path, a replaced executable's too", () => {
    const deleted = `${EXE} (deleted)`;
    const smaps = [mapping("01a40000-0684a000", "r-xp", deleted, 100, 0), mapping("00200000-01a39000", "r-xp", `${EXE}-old`, 100, 0)].join("\n");
    expect(droppableCodeRanges(smaps, deleted).map((r) => r.start)).toEqual([0x1a40000]);
    expect(droppableCodeRanges(smaps, EXE)).toEqual([]);
  });

  test("an address a double cannot hold exactly, or an empty range, is skipped", () => {
    const smaps = [mapping("ffffffffff600000-ffffffffff601000", "r-xp", EXE, 4, 0), mapping("01a40000-01a40000", "r-xp", EXE, 4, 0)].join("\n");
    expect(droppableCodeRanges(smaps, EXE)).toEqual([]);
  });
});
