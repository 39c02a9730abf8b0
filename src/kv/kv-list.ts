import { SatelliteError } from "../platform/errors.ts";
import type { KvEntry, KvListResult } from "./kv-backend.ts";
import type { KvNode } from "./kv-placement.ts";
import type { KvMessage } from "./kv-messages.ts";
import { compareKeys, newerRecord, type KvRecord } from "./kv-record.ts";
import { formatVersion } from "./kv-version.ts";

type KvReply = Extract<KvMessage, { type: "kvReply" }>;

/**
 * A list asks every alive replica node for its records under the prefix and merges them by the
 * conflict rule. A node that had more than it sent caps the answer at its last key, so no key
 * in the answer range is missing because one node's part was cut short.
 */
export async function listAll(
  nodes: readonly KvNode[],
  prefix: string,
  limit: number,
  call: (node: KvNode, message: KvMessage) => Promise<KvReply>,
  /** Whether the ring places `key` on `node` now: a node that used to hold a key keeps an old copy, which must not count. */
  holds: (node: string, key: string) => boolean,
): Promise<KvListResult> {
  const replies = await Promise.allSettled(nodes.map((node) => call(node, { type: "kvList", prefix, limit })));
  const merged = new Map<string, KvRecord>();
  let cutoff: string | undefined;
  let answered = 0;
  for (const [i, reply] of replies.entries()) {
    if (reply.status !== "fulfilled") continue;
    answered++;
    const node = (nodes[i] as KvNode).name;
    for (const record of reply.value.records) {
      if (!holds(node, record.key)) continue;
      const held = merged.get(record.key);
      merged.set(record.key, held ? newerRecord(held, record) : record);
    }
    const last = reply.value.records.at(-1)?.key;
    if (reply.value.truncated && last !== undefined && (cutoff === undefined || compareKeys(last, cutoff) < 0)) cutoff = last;
  }
  if (answered === 0 && nodes.length > 0) {
    throw new SatelliteError("kv_list_unreachable", `no key-value node answered the list of ${JSON.stringify(prefix)}`, { hint: "the nodes keeping replicas are down or unreachable from this node" });
  }
  const keys = [...merged.keys()].filter((k) => cutoff === undefined || compareKeys(k, cutoff) <= 0).sort(compareKeys);
  const entries: KvEntry[] = [];
  for (const key of keys) {
    const record = merged.get(key) as KvRecord;
    if (record.value === undefined) continue;
    if (entries.length >= limit) return { entries, truncated: true };
    entries.push({ key, value: record.value, version: formatVersion(record.version), writtenAtMs: record.version.ms });
  }
  return { entries, truncated: cutoff !== undefined };
}
