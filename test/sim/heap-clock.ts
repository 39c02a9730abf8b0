import type { Clock, Timer } from "../../src/platform/clock.ts";

interface Entry {
  dueMs: number;
  order: number;
  fn: () => void;
  cancelled: boolean;
}

/**
 * ManualClock's semantics (timers in due order, ties in creation order, microtasks flushed
 * after each) on a binary heap, for simulations with thousands of pending timers.
 */
export class HeapClock implements Clock {
  private now = 0;
  private nextOrder = 0;
  private heap: Entry[] = [];

  constructor(
    private readonly startWallMs = Date.UTC(2026, 0, 1),
    private readonly flushRounds = 8,
  ) {}

  nowMs(): number {
    return this.startWallMs + this.now;
  }

  monotonicMs(): number {
    return this.now;
  }

  setTimer(delayMs: number, fn: () => void): Timer {
    const entry: Entry = { dueMs: this.now + Math.max(0, delayMs), order: this.nextOrder++, fn, cancelled: false };
    this.push(entry);
    return { cancel: () => void (entry.cancelled = true) };
  }

  async advance(ms: number): Promise<void> {
    const target = this.now + ms;
    for (;;) {
      await this.flush();
      const top = this.heap[0];
      if (!top || top.dueMs > target) break;
      this.pop();
      if (top.cancelled) continue;
      this.now = Math.max(this.now, top.dueMs);
      top.fn();
    }
    this.now = target;
    await this.flush();
  }

  private async flush(): Promise<void> {
    for (let i = 0; i < this.flushRounds; i++) await Promise.resolve();
  }

  private less(a: Entry, b: Entry): boolean {
    return a.dueMs < b.dueMs || (a.dueMs === b.dueMs && a.order < b.order);
  }

  private push(entry: Entry): void {
    const h = this.heap;
    h.push(entry);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(h[i] as Entry, h[parent] as Entry)) break;
      [h[i], h[parent]] = [h[parent] as Entry, h[i] as Entry];
      i = parent;
    }
  }

  private pop(): void {
    const h = this.heap;
    const last = h.pop() as Entry;
    if (h.length === 0) return;
    h[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let best = i;
      if (l < h.length && this.less(h[l] as Entry, h[best] as Entry)) best = l;
      if (r < h.length && this.less(h[r] as Entry, h[best] as Entry)) best = r;
      if (best === i) break;
      [h[i], h[best]] = [h[best] as Entry, h[i] as Entry];
      i = best;
    }
  }
}
