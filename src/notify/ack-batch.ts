import type { Clock, Timer } from "../platform/clock.ts";
import type { AckEntry } from "./acknowledgment.ts";

/** Acknowledgments made within this window go out as one user event. */
const ACK_BATCH_MS = 100;

/**
 * Collects the sender's acknowledgments and hands them to `send` as one batch ACK_BATCH_MS
 * after the first: a burst of deliveries costs one gossiped user event, not one each.
 */
export class AckBatch {
  private pending: AckEntry[] = [];
  private timer?: Timer;

  constructor(
    private readonly clock: Clock,
    private readonly send: (entries: AckEntry[]) => void,
  ) {}

  add(entry: AckEntry): void {
    this.pending.push(entry);
    this.timer ??= this.clock.setTimer(ACK_BATCH_MS, () => this.flush());
  }

  /** Sends what is pending now (at stop: nothing acknowledged is kept back). */
  flush(): void {
    this.timer?.cancel();
    this.timer = undefined;
    if (this.pending.length === 0) return;
    const entries = this.pending;
    this.pending = [];
    this.send(entries);
  }
}
