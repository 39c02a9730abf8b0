import type { Logger } from "../platform/logger.ts";
import { describeError } from "../platform/errors.ts";
import { assertNever } from "../platform/assert-never.ts";
import { ANTI_ENTROPY_BUCKETS, bucketDigests, differingBuckets, recordsInBuckets, sharedRecords } from "./anti-entropy.ts";
import type { HashRing } from "./hash-ring.ts";
import { KV_WIRE_LIMITS, replyOf, type KvMessage } from "./kv-messages.ts";
import { recordSizeBytes, type KvRecord } from "./kv-record.ts";
import type { HybridClock } from "./kv-version.ts";
import type { KvReplicaStore } from "./replica-store.ts";

type KvReply = Extract<KvMessage, { type: "kvReply" }>;

export interface ReplicaServerDeps {
  name: string;
  store: KvReplicaStore;
  hlc: HybridClock;
  logger: Logger;
  ring: () => HashRing;
  /** Keys (tombstones included) this node holds at most; a write of a new key past it is refused. */
  keysMax: number;
  /** A record changed what this node holds. */
  onApplied: (record: KvRecord) => void;
  /** Tombstones older than this (Unix ms) are past their retention: not taken in, so a purged delete does not come back. */
  tombstoneCutoffMs: () => number;
  /** Monotonic ms, for the bound on anti-entropy answers. */
  monotonicMs: () => number;
  /** The store failed (counted, shown on /readyz) or recovered. */
  onStoreResult: (error: string | undefined) => void;
}

/**
 * Anti-entropy answers per second at most: each reads every record this node holds, so a flood of
 * digests (a bug, or a forged sender with the key) cannot keep the store busy. Peers ask about
 * once per interval each; a refused one asks again at its next round.
 */
export const DIGEST_ANSWERS_PER_SECOND_MAX = 20;

/** Bytes of records in one list reply. */
const LIST_REPLY_BYTES_MAX = 768 * 1024;

/**
 * The replica side: answers other nodes' (and this node's own) requests from the local store.
 * `from` is the requesting node's name when the membership knows its address.
 */
export function createReplicaServer(deps: ReplicaServerDeps) {
  const { store } = deps;
  /** Applies records locally; the count of those that were newer. */
  const applyAll = (records: readonly KvRecord[]): number => {
    let applied = 0;
    const cutoff = deps.tombstoneCutoffMs();
    for (const record of records) {
      if (record.value === undefined && record.version.ms < cutoff) continue;
      deps.hlc.observe(record.version);
      if (store.get(record.key) === undefined && store.count() >= deps.keysMax) {
        throw new Error(`this replica holds ${deps.keysMax} keys, its limit; ${JSON.stringify(record.key)} was refused`);
      }
      if (store.apply(record)) {
        applied++;
        deps.onApplied(record);
      }
    }
    deps.onStoreResult(undefined);
    return applied;
  };
  const handle = (message: KvMessage, from: string | undefined): KvReply => {
    switch (message.type) {
      case "kvWrite":
        return replyOf({ applied: applyAll(message.records) });
      case "kvRead": {
        const record = store.get(message.key);
        return replyOf({ records: record ? [record] : [] });
      }
      case "kvList": {
        const records = store.scan(message.prefix, message.afterKey, Math.min(message.limit, KV_WIRE_LIMITS.recordsMax) + 1);
        const out: KvRecord[] = [];
        let bytes = 0;
        for (const record of records) {
          const size = recordSizeBytes(record);
          if (out.length >= Math.min(message.limit, KV_WIRE_LIMITS.recordsMax) || bytes + size > LIST_REPLY_BYTES_MAX) return replyOf({ records: out, truncated: true });
          out.push(record);
          bytes += size;
        }
        return replyOf({ records: out });
      }
      case "kvDigest": {
        const now = deps.monotonicMs();
        if (now - digestWindowStart >= 1000) {
          digestWindowStart = now;
          digestAnswers = 0;
        }
        if (++digestAnswers > DIGEST_ANSWERS_PER_SECOND_MAX) return replyOf({ ok: false, error: `busy: over ${DIGEST_ANSWERS_PER_SECOND_MAX} anti-entropy answers this second` });
        if (from === undefined) return replyOf({ ok: false, error: "digest from an address that is not a member" });
        const ring = deps.ring();
        const bucketCount = message.bucketCount;
        const mine = bucketDigests(sharedRecords(store, ring, deps.name, from), bucketCount);
        const buckets = differingBuckets(mine, message.digests);
        if (buckets.length === 0) return replyOf({});
        const { records, truncated } = recordsInBuckets(sharedRecords(store, ring, deps.name, from, cursors.get(from)), new Set(buckets), bucketCount);
        if (truncated) cursors.set(from, records.at(-1)?.key as string);
        else cursors.delete(from);
        return replyOf({ records, buckets, truncated });
      }
      case "kvReply":
        return replyOf({ ok: false, error: "a reply is not a request" });
      case "kvNotice":
        return replyOf({ ok: false, error: "a notice travels as a packet, not as a request" });
      default:
        return assertNever(message, "key-value message");
    }
  };
  let digestWindowStart = Number.NEGATIVE_INFINITY;
  let digestAnswers = 0;
  /** Where the last truncated anti-entropy answer to each peer ended. */
  const cursors = new Map<string, string>();
  return {
    applyAll,
    /** Never throws: a failure becomes a reply that says what went wrong. */
    answer(message: KvMessage, from: string | undefined): KvReply {
      try {
        return handle(message, from);
      } catch (error) {
        const text = describeError(error);
        if (message.type === "kvWrite") deps.onStoreResult(text);
        deps.logger.warn("key-value request failed", { type: message.type, from, error: text });
        return replyOf({ ok: false, error: text });
      }
    },
    bucketCount: ANTI_ENTROPY_BUCKETS,
  };
}

export type ReplicaServer = ReturnType<typeof createReplicaServer>;
