import { compareVersions } from "./kv-version.ts";
import { compareKeys, type KvRecord } from "./kv-record.ts";
import type { KvReplicaStore } from "./replica-store.ts";

/** Replicas in memory: for tests, simulations and runtimes without SQLite. Lost at exit. */
export function createMemoryReplicaStore(): KvReplicaStore {
  const records = new Map<string, KvRecord>();
  let sortedKeys: string[] | undefined;
  const keys = (): string[] => (sortedKeys ??= [...records.keys()].sort(compareKeys));
  return {
    get: (key) => copy(records.get(key)),
    apply(record) {
      const held = records.get(record.key);
      if (held && compareVersions(record.version, held.version) <= 0) return false;
      if (!held) sortedKeys = undefined;
      records.set(record.key, copy(record) as KvRecord);
      return true;
    },
    scan(prefix, afterKey, limit) {
      const out: KvRecord[] = [];
      for (const key of keys()) {
        if (out.length >= limit) break;
        if (!key.startsWith(prefix) || (afterKey !== undefined && compareKeys(key, afterKey) <= 0)) continue;
        out.push(copy(records.get(key)) as KvRecord);
      }
      return out;
    },
    purgeTombstones(beforeMs) {
      let purged = 0;
      for (const [key, record] of records) {
        if (record.value === undefined && record.version.ms < beforeMs) {
          records.delete(key);
          purged++;
        }
      }
      if (purged > 0) sortedKeys = undefined;
      return purged;
    },
    count: () => records.size,
    close: () => {},
  };
}

/** Callers may keep or change what they pass in and get back; the store keeps its own copy. */
function copy(record: KvRecord | undefined): KvRecord | undefined {
  return record && { key: record.key, value: record.value && new Uint8Array(record.value), version: { ...record.version } };
}
