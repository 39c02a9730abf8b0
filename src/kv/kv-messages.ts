import type { KvRecord } from "./kv-record.ts";
import type { KvVersion } from "./kv-version.ts";

/**
 * The replicated store's messages between Satellite nodes, carried like probe sync's as
 * memberlist user messages on the gossip port (src/cluster/satellite-channel.ts), in Satellite's
 * own range of first bytes. Every request travels over a stream and gets one `kvReply`.
 */
export const KV_MESSAGE_TYPE = {
  /** Store these records (a write, read repair, a hint, or anti-entropy's push). */
  kvWrite: 0xd8,
  /** The record held for one key. */
  kvRead: 0xd9,
  /** Records with a prefix, in key order, from a cursor. */
  kvList: 0xda,
  /** Anti-entropy: my digests of the buckets we share; answer with what differs. */
  kvDigest: 0xdb,
  kvReply: 0xdc,
  /** UDP, best effort, coordinator to the nodes that do not hold the key: it changed (for their onChange). */
  kvNotice: 0xdd,
} as const;

/** First and last byte of the key-value range (0xde..0xdf are free for later messages). */
export const KV_MESSAGE_FIRST = 0xd8;
export const KV_MESSAGE_LAST = 0xdd;

/** What a receiver accepts; a message over any of them is refused whole. */
export const KV_WIRE_LIMITS = {
  /** One message, encoded. Far below the gossip stream's 8 MiB; one value is at most 64 KiB. */
  messageBytesMax: 1024 * 1024,
  /** Records in one message. */
  recordsMax: 256,
  /** Anti-entropy buckets (the digest is one hash per bucket). */
  bucketsMax: 256,
  /** An error text in a reply. */
  errorBytesMax: 512,
} as const;

export interface KvBucketDigest {
  bucket: number;
  /** Two 32-bit halves of the bucket's 64-bit digest. */
  high: number;
  low: number;
}

export type KvMessage =
  | { type: "kvWrite"; records: KvRecord[] }
  | { type: "kvRead"; key: string }
  | { type: "kvList"; prefix: string; afterKey?: string; limit: number }
  | { type: "kvDigest"; bucketCount: number; digests: KvBucketDigest[] }
  | { type: "kvNotice"; key: string; deleted: boolean; version: KvVersion }
  | {
      type: "kvReply";
      /** false: the request was refused or failed; `error` says why. */
      ok: boolean;
      error?: string;
      /** kvWrite: how many records were newer than what was held. */
      applied: number;
      records: KvRecord[];
      /** kvDigest: the buckets whose digests differ. */
      buckets: number[];
      /** More records matched than this reply carries. */
      truncated: boolean;
    };

export function isKvMessage(payload: Uint8Array): boolean {
  const first = payload[0];
  return first !== undefined && first >= KV_MESSAGE_FIRST && first <= KV_MESSAGE_LAST;
}

export function replyOf(fields: Partial<Extract<KvMessage, { type: "kvReply" }>>): Extract<KvMessage, { type: "kvReply" }> {
  return { type: "kvReply", ok: true, applied: 0, records: [], buckets: [], truncated: false, ...fields };
}
