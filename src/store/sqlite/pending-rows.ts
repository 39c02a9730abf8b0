import type { ProbeSample, TimelineEvent } from "../history-store.ts";

/**
 * The retry buffer of the SQLite store: rows whose write failed, oldest first, bounded by
 * `rowsMax`. When it overflows the newest rows stay, events before samples (they are few and
 * carry the timeline); what falls off is returned to be counted, never silently lost.
 */
export class PendingRows {
  private samples: ProbeSample[] = [];
  private events: TimelineEvent[] = [];

  constructor(private readonly rowsMax: number) {}

  get size(): number {
    return this.samples.length + this.events.length;
  }

  /** Adds rows after the ones waiting; returns how many rows fell off the bound. */
  keep(samples: readonly ProbeSample[], events: readonly TimelineEvent[]): number {
    const allEvents = [...this.events, ...events];
    const allSamples = [...this.samples, ...samples];
    const eventRoom = Math.min(allEvents.length, this.rowsMax);
    const sampleRoom = Math.min(allSamples.length, this.rowsMax - eventRoom);
    this.events = allEvents.slice(allEvents.length - eventRoom);
    this.samples = allSamples.slice(allSamples.length - sampleRoom);
    return allEvents.length - eventRoom + allSamples.length - sampleRoom;
  }

  /** The oldest rows, at most `rowsMax` in all, samples first; they stay until `remove`. */
  oldest(rowsMax: number): { samples: ProbeSample[]; events: TimelineEvent[] } {
    const samples = this.samples.slice(0, rowsMax);
    const events = this.events.slice(0, Math.max(0, rowsMax - samples.length));
    return { samples, events };
  }

  /** Removes the oldest `samples` samples and `events` events (a written or refused chunk). */
  remove(samples: number, events: number): void {
    this.samples.splice(0, samples);
    this.events.splice(0, events);
  }
}
