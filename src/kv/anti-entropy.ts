import { fnv1a32, fnv1a32Alt } from "./kv-hash.ts";
import type { HashRing } from "./hash-ring.ts";
import type { KvBucketDigest } from "./kv-messages.ts";
import { KV_WIRE_LIMITS } from "./kv-messages.ts";
import { compareKeys, recordSizeBytes, type KvRecord } from "./kv-record.ts";
import { formatVersion } from "./kv-version.ts";
import type { KvReplicaStore } from "./replica-store.ts";

/**
 * Anti-entropy compares what two replicas hold of the keys they share, cheaply: the keys are
 * split into buckets by hash, each bucket summarised by a 64-bit digest (XOR of each record's
 * key+version hash, so order does not matter). Only buckets whose digests differ travel.
 */
export const ANTI_ENTROPY_BUCKETS = 64;
/** Records read from the store per page while digesting. */
const SCAN_PAGE = 1000;
/** Bytes of records one anti-entropy reply or push carries. */
export const ANTI_ENTROPY_BYTES_MAX = 512 * 1024;

export function bucketOf(key: string, bucketCount: number): number {
  return fnv1a32Alt(key) % bucketCount;
}

/**
 * Every record both `self` and `peer` should hold by the ring, page by page, in key order from
 * after `startAfter` round to it again (a cursor, so a large difference is sent a part per round).
 */
export function* sharedRecords(store: KvReplicaStore, ring: HashRing, self: string, peer: string, startAfter?: string): Generator<KvRecord> {
  const shared = (record: KvRecord) => {
    const replicas = ring.replicasFor(record.key);
    return replicas.includes(self) && replicas.includes(peer);
  };
  let after = startAfter;
  for (;;) {
    const page = store.scan("", after, SCAN_PAGE);
    for (const record of page) if (shared(record)) yield record;
    if (page.length < SCAN_PAGE) break;
    after = page[page.length - 1]?.key;
  }
  if (startAfter === undefined) return;
  after = undefined;
  for (;;) {
    const page = store.scan("", after, SCAN_PAGE);
    for (const record of page) {
      if (compareKeys(record.key, startAfter) > 0) return;
      if (shared(record)) yield record;
    }
    if (page.length < SCAN_PAGE) return;
    after = page[page.length - 1]?.key;
  }
}

/** The digest of every bucket (empty buckets digest to 0/0 and are left out). */
export function bucketDigests(records: Iterable<KvRecord>, bucketCount: number): KvBucketDigest[] {
  const high = new Uint32Array(bucketCount);
  const low = new Uint32Array(bucketCount);
  for (const record of records) {
    const bucket = bucketOf(record.key, bucketCount);
    const text = `${record.key}\u0000${formatVersion(record.version)}\u0000${record.value === undefined ? "t" : "v"}`;
    high[bucket] = ((high[bucket] as number) ^ fnv1a32(text)) >>> 0;
    low[bucket] = ((low[bucket] as number) ^ fnv1a32Alt(text)) >>> 0;
  }
  const out: KvBucketDigest[] = [];
  for (let bucket = 0; bucket < bucketCount; bucket++) {
    if (high[bucket] !== 0 || low[bucket] !== 0) out.push({ bucket, high: high[bucket] as number, low: low[bucket] as number });
  }
  return out;
}

/** Buckets whose digests differ between the two lists (a bucket missing from one counts as 0/0). */
export function differingBuckets(mine: readonly KvBucketDigest[], theirs: readonly KvBucketDigest[]): number[] {
  const key = (d: KvBucketDigest) => `${d.high}:${d.low}`;
  const a = new Map(mine.map((d) => [d.bucket, key(d)]));
  const b = new Map(theirs.map((d) => [d.bucket, key(d)]));
  const out: number[] = [];
  for (const bucket of new Set([...a.keys(), ...b.keys()])) if (a.get(bucket) !== b.get(bucket)) out.push(bucket);
  return out.sort((x, y) => x - y);
}

/** Records in these buckets, within the bounds of one message; `truncated` when some were left for the next round. */
export function recordsInBuckets(records: Iterable<KvRecord>, buckets: ReadonlySet<number>, bucketCount: number): { records: KvRecord[]; truncated: boolean } {
  const out: KvRecord[] = [];
  let bytes = 0;
  for (const record of records) {
    if (!buckets.has(bucketOf(record.key, bucketCount))) continue;
    const size = recordSizeBytes(record);
    if (out.length >= KV_WIRE_LIMITS.recordsMax || bytes + size > ANTI_ENTROPY_BYTES_MAX) return { records: out, truncated: true };
    out.push(record);
    bytes += size;
  }
  return { records: out, truncated: false };
}
