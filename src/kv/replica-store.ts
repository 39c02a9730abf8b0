import type { KvRecord } from "./kv-record.ts";

/**
 * Where one node keeps its replicas: values and tombstones with their versions. Synchronous
 * (SQLite in the agent, memory in tests and under Deno); both run the contract test in
 * test/kv/replica-store-contract.ts. A failing disk throws a SatelliteError from `apply`, which
 * the coordinator counts as a replica that did not store the write.
 */
export interface KvReplicaStore {
  /** The record held for `key`, tombstones included. */
  get(key: string): KvRecord | undefined;
  /**
   * Keeps `record` when it is newer than what is held (the conflict rule, kv-version.ts);
   * returns true when it replaced something or was new, false when it lost or was the same write.
   */
  apply(record: KvRecord): boolean;
  /** Records (tombstones included) with keys starting with `prefix` and after `afterKey`, in key order, at most `limit`. */
  scan(prefix: string, afterKey: string | undefined, limit: number): KvRecord[];
  /** Removes tombstones whose version is older than `beforeMs`; returns how many. */
  purgeTombstones(beforeMs: number): number;
  /** Records held, tombstones included. */
  count(): number;
  close(): void;
}
