import { compareVersions, type KvVersion } from "./kv-version.ts";

/**
 * One key as a replica holds it: a value, or a tombstone (a delete, `value` undefined) that is
 * kept for the tombstone retention so an older value cannot come back from another replica.
 */
export interface KvRecord {
  key: string;
  /** undefined: deleted at `version`. */
  value: Uint8Array | undefined;
  version: KvVersion;
}

/** The record that wins under the conflict rule (the later version); `a` when they are the same write. */
export function newerRecord(a: KvRecord, b: KvRecord): KvRecord {
  return compareVersions(b.version, a.version) > 0 ? b : a;
}

/** Bytes a record takes on the wire and in memory, roughly; used for bounds. */
export function recordSizeBytes(record: KvRecord): number {
  return record.key.length * 3 + record.version.node.length * 3 + (record.value?.length ?? 0) + 32;
}

/**
 * Key order everywhere (lists, scans, merges): by Unicode code point, which is UTF-8 byte order
 * and so SQLite's BINARY order too (JavaScript's `<` compares UTF-16 units and differs above U+FFFF).
 */
export function compareKeys(a: string, b: string): number {
  if (a === b) return 0;
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.codePointAt(i) as number;
    const y = b.codePointAt(i) as number;
    if (x !== y) return x < y ? -1 : 1;
    if (x > 0xffff) i++;
  }
  return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
}
