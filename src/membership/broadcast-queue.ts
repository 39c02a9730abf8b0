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
  urgent: boolean;
  onDone: (() => void) | undefined;
}

export interface BroadcastQueueOptions {
  retransmitMult: number;
  /** Current cluster size estimate; read on every take so limits follow the cluster. */
  numNodes: () => number;
  /** Entries beyond this are dropped, most-transmitted (then oldest) first. */
  maxQueued: number;
  /** Called after every enqueue: wakes the gossip loop, which sleeps while nothing is queued. */
  onQueued?: () => void;
}

/**
 * memberlist's TransmitLimitedQueue. Each item goes out at most retransmitLimit times; the
 * least-transmitted (then newest) go first, so fresh news overtakes old. An item with a key
 * replaces a queued item with the same key (a newer message about the same node).
 * `onDone` runs once when an item reached its limit, was replaced, or was dropped. Urgent items
 * (a refutation: news that ends a suspicion) go before all others, so a join burst's flood of
 * fresh alive messages cannot hold one back until the suspicion it answers runs out elsewhere.
 * Entries live in one bucket per transmit count, each sorted by id, so a take costs about
 * the number of items it looks at, not a sort of the whole queue.
 */
export class BroadcastQueue<T> {
  /** Per lane (urgent first), one bucket per transmit count. */
  private lanes: [Entry<T>[][], Entry<T>[][]] = [[], []];
  private readonly byKey = new Map<string, Entry<T>>();
  private count = 0;
  private nextId = 0;

  constructor(private readonly options: BroadcastQueueOptions) {}

  enqueue(item: T, sizeBytes: number, key?: string, onDone?: () => void, urgent = false): void {
    if (key !== undefined) {
      const old = this.byKey.get(key);
      if (old) {
        this.remove(old);
        old.onDone?.();
      }
    }
    const entry: Entry<T> = { item, sizeBytes, key, transmits: 0, id: this.nextId++, onDone, urgent };
    this.insert(entry);
    if (this.count > this.options.maxQueued) this.prune();
    this.options.onQueued?.();
  }

  /**
   * Items that fit in `limitBytes`, each costing its size plus `overheadBytes`; counts one
   * transmit for each and drops the ones that reached the limit.
   */
  take(overheadBytes: number, limitBytes: number): { items: T[]; usedBytes: number } {
    if (this.count === 0) return { items: [], usedBytes: 0 };
    const limit = retransmitLimit(this.options.retransmitMult, this.options.numNodes());
    const picked: Entry<T>[] = [];
    let used = 0;
    scan: for (const buckets of this.lanes) {
      for (const bucket of buckets) {
        if (!bucket) continue;
        for (let i = bucket.length - 1; i >= 0; i--) {
          const entry = bucket[i] as Entry<T>;
          const cost = entry.sizeBytes + overheadBytes;
          if (used + cost > limitBytes) continue;
          used += cost;
          picked.push(entry);
          if (limitBytes - used <= overheadBytes) break scan;
        }
      }
    }
    const finished: Entry<T>[] = [];
    for (const entry of picked) {
      this.remove(entry);
      entry.transmits++;
      if (entry.transmits >= limit) finished.push(entry);
      else this.insert(entry);
    }
    for (const entry of finished) entry.onDone?.();
    return { items: picked.map((e) => e.item), usedBytes: used };
  }

  /** True when an item with `key` is waiting. */
  has(key: string): boolean {
    return this.byKey.has(key);
  }

  length(): number {
    return this.count;
  }

  /** Drops everything (shutdown), running the done callbacks. */
  clear(): void {
    const all = [...this.lanes[0].flat(), ...this.lanes[1].flat()];
    this.lanes = [[], []];
    this.byKey.clear();
    this.count = 0;
    for (const e of all) e.onDone?.();
  }

  private insert(entry: Entry<T>): void {
    const bucket = (this.laneOf(entry)[entry.transmits] ??= []);
    bucket.splice(this.indexOf(bucket, entry.id), 0, entry);
    if (entry.key !== undefined) this.byKey.set(entry.key, entry);
    this.count++;
  }

  private remove(entry: Entry<T>): void {
    const bucket = this.laneOf(entry)[entry.transmits];
    if (!bucket) return;
    const index = this.indexOf(bucket, entry.id);
    if (bucket[index] !== entry) return;
    bucket.splice(index, 1);
    if (entry.key !== undefined && this.byKey.get(entry.key) === entry) this.byKey.delete(entry.key);
    this.count--;
  }

  /** First index in `bucket` (sorted by id) whose id is >= `id`. */
  private indexOf(bucket: Entry<T>[], id: number): number {
    let lo = 0;
    let hi = bucket.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((bucket[mid] as Entry<T>).id < id) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private laneOf(entry: Entry<T>): Entry<T>[][] {
    return this.lanes[entry.urgent ? 0 : 1];
  }

  /** Drops the most-transmitted, then oldest, entries beyond maxQueued; urgent ones last. */
  private prune(): void {
    const victims: Entry<T>[] = [];
    for (const buckets of [this.lanes[1], this.lanes[0]]) {
      for (let t = buckets.length - 1; t >= 0 && this.count - victims.length > this.options.maxQueued; t--) {
        const bucket = buckets[t];
        if (!bucket) continue;
        for (let i = 0; i < bucket.length && this.count - victims.length > this.options.maxQueued; i++) victims.push(bucket[i] as Entry<T>);
      }
    }
    for (const e of victims) this.remove(e);
    for (const e of victims) e.onDone?.();
  }
}
