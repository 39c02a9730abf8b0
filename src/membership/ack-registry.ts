import type { Clock, Timer } from "../platform/clock.ts";
import { afterPendingInput } from "./after-pending-input.ts";

export interface AckHandler {
  /** The ack arrived; `atMs` is the monotonic time of arrival. */
  onAck(payload: Uint8Array, atMs: number): void;
  onNack?(): void;
  /** No ack within the registration's lifetime. Not called after an ack. */
  onTimeout?(): void;
}

/**
 * Pending acks by sequence number; each registration expires after its lifetime, once the
 * packets already waiting were read (an ack that arrived in time is never dropped because the
 * process ran late).
 */
export class AckRegistry {
  private readonly pending = new Map<number, { handler: AckHandler; timer: Timer }>();

  constructor(private readonly clock: Clock) {}

  register(seqNo: number, lifetimeMs: number, handler: AckHandler): void {
    this.pending.get(seqNo)?.timer.cancel();
    const entry = { handler, timer: this.clock.setTimer(lifetimeMs, () => {
      if (this.pending.get(seqNo) !== entry) return;
      entry.timer = afterPendingInput(this.clock, () => {
        if (this.pending.get(seqNo) !== entry) return;
        this.pending.delete(seqNo);
        handler.onTimeout?.();
      });
    }) };
    this.pending.set(seqNo, entry);
  }

  /** True when someone waited for it; late or unknown acks are ignored. */
  handleAck(seqNo: number, payload: Uint8Array): boolean {
    const entry = this.pending.get(seqNo);
    if (!entry) return false;
    this.pending.delete(seqNo);
    entry.timer.cancel();
    entry.handler.onAck(payload, this.clock.monotonicMs());
    return true;
  }

  handleNack(seqNo: number): void {
    this.pending.get(seqNo)?.handler.onNack?.();
  }

  clear(): void {
    for (const entry of this.pending.values()) entry.timer.cancel();
    this.pending.clear();
  }
}
