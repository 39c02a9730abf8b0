import { compareVersions } from "./kv-version.ts";
import { recordSizeBytes, type KvRecord } from "./kv-record.ts";
import { KV_WIRE_LIMITS } from "./kv-messages.ts";

/** Bounds of the hints one coordinator keeps for replicas it could not reach. */
export const HINT_LIMITS = {
  /** Hints held at most, all targets together; past it new hints are dropped and counted (anti-entropy repairs those keys later). */
  hintsMax: 10_000,
  /** Bytes of hinted records held at most. */
  hintBytesMax: 32 * 1024 * 1024,
  /** Bytes of records in one delivery. */
  deliveryBytesMax: 512 * 1024,
} as const;

/**
 * Writes a replica missed while it was unreachable, kept by the coordinator that could not
 * deliver them: one per (replica, key), the newest. Delivered when the replica is alive again
 * (`take` then `delivered`); anti-entropy covers anything dropped over the bounds.
 */
export class HintQueue {
  private readonly byTarget = new Map<string, Map<string, KvRecord>>();
  private held = 0;
  private heldBytes = 0;
  dropped = 0;

  add(target: string, record: KvRecord): void {
    let hints = this.byTarget.get(target);
    const existing = hints?.get(record.key);
    if (existing && compareVersions(existing.version, record.version) >= 0) return;
    const size = recordSizeBytes(record);
    if (!existing && (this.held >= HINT_LIMITS.hintsMax || this.heldBytes + size > HINT_LIMITS.hintBytesMax)) {
      this.dropped++;
      return;
    }
    if (!hints) this.byTarget.set(target, (hints = new Map()));
    if (existing) this.heldBytes -= recordSizeBytes(existing);
    else this.held++;
    this.heldBytes += size;
    hints.set(record.key, record);
  }

  targets(): string[] {
    return [...this.byTarget.keys()];
  }

  /** Hints for `target`, oldest first, within one delivery's bounds. */
  take(target: string): KvRecord[] {
    const out: KvRecord[] = [];
    let bytes = 0;
    for (const record of this.byTarget.get(target)?.values() ?? []) {
      const size = recordSizeBytes(record);
      if (out.length >= KV_WIRE_LIMITS.recordsMax || (out.length > 0 && bytes + size > HINT_LIMITS.deliveryBytesMax)) break;
      out.push(record);
      bytes += size;
    }
    return out;
  }

  /** Removes the delivered hints that were not replaced by a newer one meanwhile. */
  delivered(target: string, records: readonly KvRecord[]): void {
    const hints = this.byTarget.get(target);
    if (!hints) return;
    for (const record of records) {
      const held = hints.get(record.key);
      if (held && compareVersions(held.version, record.version) === 0) this.remove(hints, record.key, held);
    }
    if (hints.size === 0) this.byTarget.delete(target);
  }

  /** Forgets every hint for a node that is no longer a replica (it left or was removed). */
  forget(target: string): void {
    const hints = this.byTarget.get(target);
    if (!hints) return;
    for (const [key, record] of hints) this.remove(hints, key, record);
    this.byTarget.delete(target);
  }

  size(): number {
    return this.held;
  }

  private remove(hints: Map<string, KvRecord>, key: string, record: KvRecord): void {
    hints.delete(key);
    this.held--;
    this.heldBytes -= recordSizeBytes(record);
  }
}
