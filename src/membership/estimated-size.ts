import type { GossipMessage } from "./messages.ts";

/**
 * A msgpack-like size estimate of a message (map keys, raw strings, 5-byte numbers), for nets
 * that have no codec (the simulated one). Close enough to the real encoding to fill packets the
 * same way; never used where exact bytes matter.
 */
export function estimateEncodedSize(msg: GossipMessage): number {
  return 1 + estimateValue(msg);
}

function estimateValue(value: unknown): number {
  if (value === undefined || value === null) return 1;
  if (typeof value === "string") return value.length + 2;
  if (typeof value === "number") return 5;
  if (typeof value === "boolean") return 1;
  if (value instanceof Uint8Array) return value.length + 3;
  if (Array.isArray(value)) {
    let total = 3;
    for (const item of value) total += estimateValue(item);
    return total;
  }
  if (typeof value === "object") {
    let total = 3;
    for (const [key, item] of Object.entries(value)) {
      if (key === "type" || item === undefined) continue;
      total += key.length + 1 + estimateValue(item);
    }
    return total;
  }
  return 1;
}
