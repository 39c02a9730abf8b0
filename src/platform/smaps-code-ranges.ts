/** One mapping of the address space that may be dropped: where it starts and how many bytes it spans. */
export interface CodeRange {
  start: number;
  length: number;
  /** Its resident bytes when /proc/PID/smaps was read. */
  residentBytes: number;
}

/** Read-only, private mappings: the executable's code (r-x) and its constants (r--). */
const DROPPABLE_PERMISSIONS = new Set(["r-xp", "r--p"]);
const HEADER = /^([0-9a-f]+)-([0-9a-f]+) (\S{4}) [0-9a-f]+ \S+ \d+\s+(.*)$/;
const KIB_FIELD = /^(\w+):\s+(\d+) kB$/;

/**
 * The mappings of `file` in an smaps text (/proc/PID/smaps) whose resident pages are all clean
 * copies of the file: read-only, private, and without one anonymous (copied-on-write) page.
 * Such a page can be dropped from the process and read back from the page cache on its next
 * touch, exactly what the kernel's reclaim does under memory pressure; a page the dynamic
 * linker wrote (RELRO, relocations) is anonymous and keeps its mapping out. Addresses must be
 * exact doubles (below 2^53, as every user-space address on Linux is); other mappings are skipped.
 */
export function droppableCodeRanges(smaps: string, file: string): CodeRange[] {
  const ranges: CodeRange[] = [];
  let current: { range: CodeRange; anonymousKiB: number } | undefined;
  const close = () => {
    if (current && current.anonymousKiB === 0 && current.range.residentBytes > 0) ranges.push(current.range);
    current = undefined;
  };
  for (const line of smaps.split("\n")) {
    const header = HEADER.exec(line);
    if (header) {
      close();
      const [, startHex, endHex, permissions, path] = header as unknown as [string, string, string, string, string];
      const start = Number.parseInt(startHex, 16);
      const end = Number.parseInt(endHex, 16);
      if (path !== file || !DROPPABLE_PERMISSIONS.has(permissions) || !Number.isSafeInteger(end) || end <= start) continue;
      // Anonymous is unknown until its line is read: a mapping whose fields are cut off is not dropped.
      current = { range: { start, length: end - start, residentBytes: 0 }, anonymousKiB: -1 };
      continue;
    }
    if (!current) continue;
    const field = KIB_FIELD.exec(line);
    if (!field) continue;
    const kib = Number(field[2]);
    if (field[1] === "Rss") current.range.residentBytes = kib * 1024;
    else if (field[1] === "Anonymous") current.anonymousKiB = kib;
  }
  close();
  return ranges;
}
