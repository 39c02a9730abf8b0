import { bytesEqual } from "../platform/bytes.ts";
import type { SerfUserEvents } from "./serf-messages.ts";

export type EventVerdict = "new" | "duplicate" | "too-old" | "slot-full";

/**
 * Distinct events kept per LTime. serf does not bound it; forged events sharing one LTime
 * would otherwise grow a slot, and every push/pull carrying it, without limit. With 512
 * slots of 512-byte events this keeps serf's share of a push/pull under 2.2 MB.
 */
export const EVENTS_PER_LTIME_MAX = 8;

/**
 * serf's recent-event buffer: one slot per LTime modulo the size, so an event is delivered
 * once however many times gossip and push/pull bring it. Events older than size LTimes
 * behind the clock are refused (their slot may hold newer ones).
 */
export class UserEventBuffer {
  private readonly slots: (SerfUserEvents | undefined)[];

  constructor(private readonly size: number) {
    this.slots = new Array<SerfUserEvents | undefined>(size).fill(undefined);
  }

  /** Records the event if new; `clockTime` is the event clock after witnessing `ltime`. */
  record(ltime: number, name: string, payload: Uint8Array, clockTime: number): EventVerdict {
    if (clockTime > this.size && ltime < clockTime - this.size) return "too-old";
    const index = ltime % this.size;
    let slot = this.slots[index];
    if (slot && slot.ltime === ltime) {
      if (slot.events.some((e) => e.name === name && bytesEqual(e.payload, payload))) return "duplicate";
      if (slot.events.length >= EVENTS_PER_LTIME_MAX) return "slot-full";
    } else {
      slot = { ltime, events: [] };
      this.slots[index] = slot;
    }
    slot.events.push({ name, payload });
    return "new";
  }

  /** The non-empty slots, for push/pull. */
  collection(): SerfUserEvents[] {
    return this.slots.filter((s): s is SerfUserEvents => s !== undefined);
  }
}
