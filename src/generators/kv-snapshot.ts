import { KV_LIMITS, type KvBackend } from "../kv/kv-backend.ts";
import { SatelliteError } from "../platform/errors.ts";

/** Bytes of key-value data one render may read: the rendered file stays bounded with it. */
export const KV_SNAPSHOT_BYTES_MAX = 4 * 1024 * 1024;

/**
 * The key-value entries under a generator's prefixes, read before rendering (nunjucks renders
 * synchronously, so a template cannot wait for the store). A template asking for a key outside
 * the prefixes gets an error that names the missing prefix instead of an empty answer.
 */
export interface KvSnapshot {
  /** Entries whose key starts with `prefix`, in key order. */
  list(prefix: string): { key: string; value: string }[];
  get(key: string): string | undefined;
  /** Entries held, for status and tests. */
  size(): number;
}

export function emptyKvSnapshot(prefixes: readonly string[] = []): KvSnapshot {
  return snapshotOf(new Map(), prefixes);
}

/**
 * Lists every prefix. Rejects with a SatelliteError when the store fails, when a prefix holds
 * more entries than one list answers, or when the values add up past KV_SNAPSHOT_BYTES_MAX.
 */
export async function fetchKvSnapshot(kv: KvBackend | undefined, prefixes: readonly string[]): Promise<KvSnapshot> {
  const entries = new Map<string, string>();
  if (prefixes.length === 0) return snapshotOf(entries, prefixes);
  if (!kv) {
    throw new SatelliteError("GENERATOR_KV_UNAVAILABLE", `the key-value store is not running on this agent, and kvPrefixes ${prefixes.map((p) => JSON.stringify(p)).join(", ")} ask for it`, {
      hint: "enable the key-value store (docs/kv.md) or remove kvPrefixes from the generator",
    });
  }
  const decoder = new TextDecoder();
  let bytes = 0;
  for (const prefix of prefixes) {
    const listed = await kv.list(prefix, KV_LIMITS.listEntriesMax);
    if (listed.truncated) {
      throw new SatelliteError("GENERATOR_KV_TOO_MANY", `key-value prefix ${JSON.stringify(prefix)} holds more than ${KV_LIMITS.listEntriesMax} keys`, { hint: "use a narrower prefix in kvPrefixes" });
    }
    for (const entry of listed.entries) {
      // The store answers what it was asked; a backend that does not is not trusted with the template's view.
      if (!entry.key.startsWith(prefix)) continue;
      bytes += entry.key.length + entry.value.length;
      if (bytes > KV_SNAPSHOT_BYTES_MAX) {
        throw new SatelliteError("GENERATOR_KV_TOO_LARGE", `key-value data under ${prefixes.map((p) => JSON.stringify(p)).join(", ")} is over ${KV_SNAPSHOT_BYTES_MAX} bytes`, { hint: "use narrower prefixes in kvPrefixes" });
      }
      entries.set(entry.key, decoder.decode(entry.value));
    }
  }
  return snapshotOf(entries, prefixes);
}

function snapshotOf(entries: ReadonlyMap<string, string>, prefixes: readonly string[]): KvSnapshot {
  const sortedKeys = [...entries.keys()].sort();
  const covered = (text: string, what: string): void => {
    if (prefixes.some((p) => text.startsWith(p))) return;
    const configured = prefixes.length === 0 ? "none configured" : prefixes.map((p) => JSON.stringify(p)).join(", ");
    throw new Error(`${what} ${JSON.stringify(text)} is outside the generator's kvPrefixes (${configured}); add its prefix to kvPrefixes`);
  };
  return {
    list(prefix) {
      covered(prefix, "key-value prefix");
      return sortedKeys.filter((k) => k.startsWith(prefix)).map((key) => ({ key, value: entries.get(key) ?? "" }));
    },
    get(key) {
      covered(key, "key-value key");
      return entries.get(key);
    },
    size: () => entries.size,
  };
}
