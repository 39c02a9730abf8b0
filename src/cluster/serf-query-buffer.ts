export type QueryVerdict = "new" | "duplicate" | "too-old" | "slot-full";

/**
 * Query ids kept per LTime. serf does not bound it; forged queries sharing one LTime would
 * otherwise grow a slot without limit. Honest queries share an LTime only when sent at once
 * from different nodes.
 */
export const QUERY_IDS_PER_LTIME_MAX = 64;

/**
 * serf's recent-query buffer: one slot per LTime modulo the size, holding the ids seen at that
 * LTime, so a query is handled (and rebroadcast) once however often gossip brings it. Queries
 * older than size LTimes behind the clock are refused, as their slot may hold newer ones.
 */
export class QueryDedupeBuffer {
  private readonly slots: ({ ltime: number; ids: number[] } | undefined)[];

  constructor(private readonly size: number) {
    this.slots = new Array<{ ltime: number; ids: number[] } | undefined>(size).fill(undefined);
  }

  /** Records (ltime, id) if new; `clockTime` is the query clock after witnessing `ltime`. */
  record(ltime: number, id: number, clockTime: number): QueryVerdict {
    if (clockTime > this.size && ltime < clockTime - this.size) return "too-old";
    const index = ltime % this.size;
    let slot = this.slots[index];
    if (slot && slot.ltime === ltime) {
      if (slot.ids.includes(id)) return "duplicate";
      if (slot.ids.length >= QUERY_IDS_PER_LTIME_MAX) return "slot-full";
    } else {
      slot = { ltime, ids: [] };
      this.slots[index] = slot;
    }
    slot.ids.push(id);
    return "new";
  }
}
