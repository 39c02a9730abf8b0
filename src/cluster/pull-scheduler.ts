import type { Clock, Timer } from "../platform/clock.ts";

export interface PullSchedulerOptions {
  clock: Clock;
  /** Pulls in flight at once (each one is a stream to a different owner). */
  concurrency: number;
  /** Least time between two pulls from the same owner, so a flood of triggers costs one pull. */
  minIntervalMs: number;
  /** Asked when the pull is due: is it still wanted (a delta may have filled the gap meanwhile)? */
  wanted: (owner: string) => boolean;
  /** Does the pull; rejects on failure. */
  pull: (owner: string) => Promise<void>;
  onFailure: (owner: string, error: unknown) => void;
}

/**
 * When to ask an owner for its list: triggers (a gap, a stray hash in an ack, a member back
 * from a partition) schedule a pull a little later; when it is due and still wanted it runs,
 * at most `concurrency` at once and not more often than `minIntervalMs` per owner.
 */
export class PullScheduler {
  private readonly due = new Map<string, number>();
  private readonly inflight = new Set<string>();
  private readonly lastPullMs = new Map<string, number>();
  private timer: Timer | undefined;
  private timerAtMs = Infinity;
  private stopped = false;
  pullsStarted = 0;

  constructor(private readonly options: PullSchedulerOptions) {}

  /** Asks for a pull of `owner` in `delayMs` (an earlier request stands). */
  schedule(owner: string, delayMs: number): void {
    if (this.stopped) return;
    const at = this.options.clock.monotonicMs() + Math.max(0, delayMs);
    const current = this.due.get(owner);
    if (current === undefined || at < current) this.due.set(owner, at);
    this.arm();
  }

  cancel(owner: string): void {
    this.due.delete(owner);
    this.lastPullMs.delete(owner);
  }

  stop(): void {
    this.stopped = true;
    this.timer?.cancel();
    this.due.clear();
  }

  inflightCount(): number {
    return this.inflight.size;
  }

  /**
   * Sets the timer for the next pull that could start. With every slot taken no timer is set
   * (a finishing pull runs the queue), and a pull in flight is not waited for: a timer for
   * something that cannot start yet would fire again and again at the same instant.
   */
  private arm(): void {
    if (this.inflight.size >= this.options.concurrency) return;
    let next = Infinity;
    for (const [owner, at] of this.due) if (!this.inflight.has(owner)) next = Math.min(next, at);
    if (next === Infinity || next >= this.timerAtMs) return;
    this.timer?.cancel();
    this.timerAtMs = next;
    this.timer = this.options.clock.setTimer(next - this.options.clock.monotonicMs(), () => {
      this.timer = undefined;
      this.timerAtMs = Infinity;
      this.run();
    });
  }

  private run(): void {
    if (this.stopped) return;
    const now = this.options.clock.monotonicMs();
    const ready = [...this.due].filter(([, at]) => at <= now).sort((a, b) => a[1] - b[1]);
    for (const [owner] of ready) {
      if (this.inflight.size >= this.options.concurrency) break;
      if (this.inflight.has(owner)) continue;
      const last = this.lastPullMs.get(owner);
      if (last !== undefined && now - last < this.options.minIntervalMs) {
        this.due.set(owner, last + this.options.minIntervalMs);
        continue;
      }
      this.due.delete(owner);
      if (!this.options.wanted(owner)) continue;
      this.start(owner, now);
    }
    this.arm();
  }

  private start(owner: string, now: number): void {
    this.inflight.add(owner);
    this.lastPullMs.set(owner, now);
    this.pullsStarted++;
    this.options
      .pull(owner)
      .catch((error: unknown) => this.options.onFailure(owner, error))
      .finally(() => {
        this.inflight.delete(owner);
        // Slots free up: run what waited for one.
        if (!this.stopped && this.due.size > 0) {
          this.timer?.cancel();
          this.timer = undefined;
          this.timerAtMs = Infinity;
          this.run();
        }
      });
  }
}
