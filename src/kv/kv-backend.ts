import { SatelliteError } from "../platform/errors.ts";

/**
 * The key-value store as the API, the CLI, generators and the library see it. Two
 * implementations: the replicated store kept by the Satellite nodes themselves (each key on up
 * to 3 nodes chosen by consistent hashing; docs/kv.md) and a real etcd v3 cluster
 * (`--kv-backend etcd`). Both are run by the shared contract test in test/kv/.
 */

/** Bounds every backend enforces before anything is stored or sent. */
export const KV_LIMITS = {
  /** A key, in UTF-8 bytes. */
  keyBytesMax: 512,
  /** A value, in bytes. */
  valueBytesMax: 64 * 1024,
  /** Entries one list answers at most; `truncated` says when more matched. */
  listEntriesMax: 1000,
} as const;

export type KvBackendKind = "replicated" | "etcd";

export interface KvEntry {
  key: string;
  value: Uint8Array;
  /**
   * Opaque; equal versions mean the same write. The replicated store writes
   * `<writtenAtMs>.<counter>.<node>`, etcd its mod revision.
   */
  version: string;
  /** When the value was written (Unix ms, the writer's clock), when the backend knows it. */
  writtenAtMs?: number;
}

export interface KvWriteResult {
  /** The version the write created (a delete creates a tombstone version). */
  version: string;
  /** Replicas that stored the write before it was acknowledged, and how many were asked. */
  acked: number;
  replicas: number;
}

export interface KvListResult {
  entries: KvEntry[];
  truncated: boolean;
}

/** A change to a key this node learnt of (written here, replicated here, or watched on etcd). */
export interface KvChange {
  key: string;
  op: "put" | "delete";
  version: string;
}

export interface KvBackendHealth {
  kind: KvBackendKind;
  /** Problems an operator should see on /readyz; empty when healthy. */
  problems: string[];
}

export interface KvBackend {
  readonly kind: KvBackendKind;
  /** The value, or undefined when the key does not exist (or was deleted). */
  get(key: string): Promise<KvEntry | undefined>;
  /** Resolves once a majority of the key's replicas stored it; rejects with SatelliteError otherwise. */
  put(key: string, value: Uint8Array): Promise<KvWriteResult>;
  delete(key: string): Promise<KvWriteResult>;
  /** Keys starting with `prefix` ("" for all), in key order, at most `limit` (≤ listEntriesMax). */
  list(prefix: string, limit?: number): Promise<KvListResult>;
  /** Every change this node learns of; returns the unsubscribe function. */
  onChange(listener: (change: KvChange) => void): () => void;
  health(): KvBackendHealth;
  close(): Promise<void>;
}

/** Throws a SatelliteError naming the key when it is empty, too long or not printable text. */
export function validateKvKey(key: string): void {
  const bytes = new TextEncoder().encode(key).length;
  if (bytes === 0) throw new SatelliteError("kv_key_empty", "a key-value key must not be empty", { hint: "name the key, for example `app/config`" });
  if (bytes > KV_LIMITS.keyBytesMax) {
    throw new SatelliteError("kv_key_too_long", `key-value key of ${bytes} bytes is over the limit of ${KV_LIMITS.keyBytesMax}`, { hint: "use a shorter key" });
  }
  // Control characters would corrupt logs, terminal output and file names generated from keys.
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(key)) {
    throw new SatelliteError("kv_key_invalid", `key-value key ${JSON.stringify(key)} contains control characters`, { hint: "use printable characters; `/` separates levels" });
  }
}

/** Throws a SatelliteError when the value is over the size limit. */
export function validateKvValue(key: string, value: Uint8Array): void {
  if (value.length > KV_LIMITS.valueBytesMax) {
    throw new SatelliteError("kv_value_too_large", `value for key ${JSON.stringify(key)} is ${value.length} bytes, over the limit of ${KV_LIMITS.valueBytesMax}`, {
      hint: "store large data elsewhere and keep a reference in the key-value store",
    });
  }
}
