import type { Clock, Timer } from "./clock.ts";

interface PendingTimer {
  dueMs: number;
  order: number;
  fn: () => void;
  cancelled: boolean;
}

/**
 * A clock that only moves when told to. Timers fire in due-time order (ties in creation
 * order) during `advance`, and microtasks queued by a timer run before the next timer fires,
 * so async code driven by it behaves as it would in real time, deterministically.
 */
export class ManualClock implements Clock {
  private monotonic = 0;
  private wallOffsetMs: number;
  private timers: PendingTimer[] = [];
  private nextOrder = 0;

  constructor(startWallMs = Date.UTC(2026, 0, 1)) {
    this.wallOffsetMs = startWallMs;
  }

  nowMs(): number {
    return this.wallOffsetMs + this.monotonic;
  }

  monotonicMs(): number {
    return this.monotonic;
  }

  /** Moves wall time only (a clock step or skew), leaving timers and monotonic time alone. */
  skewWall(deltaMs: number): void {
    this.wallOffsetMs += deltaMs;
  }

  setTimer(delayMs: number, fn: () => void): Timer {
    const timer: PendingTimer = {
      dueMs: this.monotonic + Math.max(0, delayMs),
      order: this.nextOrder++,
      fn,
      cancelled: false,
    };
    this.timers.push(timer);
    return { cancel: () => void (timer.cancelled = true) };
  }

  /** Number of timers still waiting to fire. */
  pendingTimers(): number {
    return this.timers.filter((t) => !t.cancelled).length;
  }

  /** Advances time by `ms`, firing every timer that falls due, each followed by a microtask flush. */
  async advance(ms: number): Promise<void> {
    const target = this.monotonic + ms;
    for (;;) {
      await flushMicrotasks();
      const next = this.popDue(target);
      if (!next) break;
      this.monotonic = Math.max(this.monotonic, next.dueMs);
      next.fn();
    }
    this.monotonic = target;
    await flushMicrotasks();
  }

  private popDue(limitMs: number): PendingTimer | undefined {
    this.timers = this.timers.filter((t) => !t.cancelled);
    let best: PendingTimer | undefined;
    for (const t of this.timers) {
      if (t.dueMs > limitMs) continue;
      if (!best || t.dueMs < best.dueMs || (t.dueMs === best.dueMs && t.order < best.order)) best = t;
    }
    if (best) this.timers.splice(this.timers.indexOf(best), 1);
    return best;
  }
}

/** Lets pending promise callbacks run; several rounds so chained awaits settle too. */
export async function flushMicrotasks(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i++) await Promise.resolve();
}
