/** memberlist's retransmit limit: mult x ceil(log10(n + 1)). */
export function retransmitLimit(retransmitMult: number, numNodes: number): number {
  return retransmitMult * Math.ceil(Math.log10(numNodes + 1));
}

interface Entry<T> {
  item: T;
  sizeBytes: number;
  key: string | undefined;
  transmits: number;
  id: number;
  onDone: (() => void) | undefined;
}

export interface BroadcastQueueOptions {
  retransmitMult: number;
  /** Current cluster size estimate; read on every take so limits follow the cluster. */
  numNodes: () => number;
  /** Entries beyond this are dropped, most-transmitted (then oldest) first. */
  maxQueued: number;
}

/**
 * memberlist's TransmitLimitedQueue. Each item goes out at most retransmitLimit times; the
 * least-transmitted (then newest) go first, so fresh news overtakes old. An item with a key
 * replaces a queued item with the same key (a newer message about the same node).
 * `onDone` runs once when an item reached its limit, was replaced, or was dropped.
 */
export class BroadcastQueue<T> {
  private entries: Entry<T>[] = [];
  private nextId = 0;

  constructor(private readonly options: BroadcastQueueOptions) {}

  enqueue(item: T, sizeBytes: number, key?: string, onDone?: () => void): void {
    if (key !== undefined) {
      const index = this.entries.findIndex((e) => e.key === key);
      if (index >= 0) {
        const [old] = this.entries.splice(index, 1);
        old?.onDone?.();
      }
    }
    this.entries.push({ item, sizeBytes, key, transmits: 0, id: this.nextId++, onDone });
    if (this.entries.length > this.options.maxQueued) this.prune();
  }

  /**
   * Items that fit in `limitBytes`, each costing its size plus `overheadBytes`; counts one
   * transmit for each and drops the ones that reached the limit.
   */
  take(overheadBytes: number, limitBytes: number): { items: T[]; usedBytes: number } {
    if (this.entries.length === 0) return { items: [], usedBytes: 0 };
    const limit = retransmitLimit(this.options.retransmitMult, this.options.numNodes());
    const ordered = [...this.entries].sort((x, y) => x.transmits - y.transmits || y.id - x.id);
    const picked: T[] = [];
    let used = 0;
    let smallest = Infinity;
    for (const e of ordered) smallest = Math.min(smallest, e.sizeBytes + overheadBytes);
    const finished = new Set<Entry<T>>();
    for (const entry of ordered) {
      if (limitBytes - used < smallest) break;
      const cost = entry.sizeBytes + overheadBytes;
      if (used + cost > limitBytes) continue;
      used += cost;
      picked.push(entry.item);
      entry.transmits++;
      if (entry.transmits >= limit) finished.add(entry);
    }
    if (finished.size > 0) {
      this.entries = this.entries.filter((e) => !finished.has(e));
      for (const e of finished) e.onDone?.();
    }
    return { items: picked, usedBytes: used };
  }

  /** True when an item with `key` is waiting. */
  has(key: string): boolean {
    return this.entries.some((e) => e.key === key);
  }

  length(): number {
    return this.entries.length;
  }

  /** Drops everything (shutdown), running the done callbacks. */
  clear(): void {
    const old = this.entries;
    this.entries = [];
    for (const e of old) e.onDone?.();
  }

  private prune(): void {
    const excess = this.entries.length - this.options.maxQueued;
    const victims = [...this.entries].sort((x, y) => y.transmits - x.transmits || x.id - y.id).slice(0, excess);
    const drop = new Set(victims);
    this.entries = this.entries.filter((e) => !drop.has(e));
    for (const e of victims) e.onDone?.();
  }
}
