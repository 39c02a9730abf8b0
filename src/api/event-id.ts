/**
 * The SSE id of an event: `<epoch>.<seq>`, the run of the agent's stream and the event's
 * sequence number in it (just `<seq>` for a stream without an epoch). A client sends it back
 * as Last-Event-ID; an id of another run means the agent restarted since, and the client
 * missed what happened in between.
 */
export interface EventId {
  /** Absent in a bare `<seq>` id (taken as this run's). */
  epoch?: string;
  seq: number;
}

const EPOCH_PATTERN = /^[0-9a-z]{1,16}$/;
const SEQ_PATTERN = /^(0|[1-9][0-9]{0,15})$/;

export function formatEventId(epoch: string, seq: number): string {
  return epoch === "" ? String(seq) : `${epoch}.${seq}`;
}

/** The id, or what is wrong with it (naming `name`, the header or parameter it came from). */
export function parseEventId(name: string, text: string): EventId | string {
  const dot = text.lastIndexOf(".");
  const epoch = dot < 0 ? undefined : text.slice(0, dot);
  const seqText = dot < 0 ? text : text.slice(dot + 1);
  const seq = Number(seqText);
  if ((epoch !== undefined && !EPOCH_PATTERN.test(epoch)) || !SEQ_PATTERN.test(seqText) || !Number.isSafeInteger(seq)) {
    return `${name} "${text.slice(0, 40)}" is not an event id: expected the id of an event this agent sent (EPOCH.SEQ, e.g. mi3x9q0.17, or a plain sequence number)`;
  }
  return epoch === undefined ? { seq } : { epoch, seq };
}
