import { LETTER_STATE, STATE_LETTER, type AlertState } from "./alert-state.ts";

/**
 * How the sender tells the other nodes what it delivered: a serf user event named
 * `satellite-notified` whose payload lists, for one notifier, each subject's state and the key
 * of the notification that announced it:
 *   `1 <notifier id> <subject id><state letter><key> ...`   (ids and keys in hex)
 * Every node keeps the last acknowledged state and key per subject; a node that takes over
 * sends only what differs from it, and continues the key chain from the acknowledged key.
 * The same message, sent for every bad subject, brings a node that joins (or comes back) up to date.
 */
export const ACK_EVENT_NAME = "satellite-notified";

/** serf refuses user events over 512 bytes (name, payload and framing): payloads stay under this. */
export const ACK_PAYLOAD_BYTES_MAX = 420;

export interface AckEntry {
  subjectId: string;
  state: AlertState;
  key: string;
}

export interface Acknowledgment {
  notifierId: string;
  entries: AckEntry[];
}

const HEADER = /^1 ([0-9a-f]{8})$/;
const ENTRY = /^([0-9a-f]{12})([rfdl])([0-9a-f]{20})$/;
const ENTRY_BYTES = 12 + 1 + 20;

/** Payloads for `entries`, as many as needed, each under ACK_PAYLOAD_BYTES_MAX. */
export function encodeAcknowledgments(notifierId: string, entries: readonly AckEntry[]): string[] {
  const header = `1 ${notifierId}`;
  const perPayload = Math.floor((ACK_PAYLOAD_BYTES_MAX - header.length) / (ENTRY_BYTES + 1));
  const payloads: string[] = [];
  for (let at = 0; at < entries.length; at += perPayload) {
    const chunk = entries.slice(at, at + perPayload).map((e) => `${e.subjectId}${STATE_LETTER[e.state]}${e.key}`);
    payloads.push([header, ...chunk].join(" "));
  }
  return payloads;
}

/**
 * The acknowledgment in a user event's payload, or undefined when it is not one. It comes from
 * the network: the size is bounded and every part must match exactly, or nothing is taken.
 */
export function decodeAcknowledgment(payload: string): Acknowledgment | undefined {
  if (payload.length > ACK_PAYLOAD_BYTES_MAX) return undefined;
  const parts = payload.split(" ");
  const header = HEADER.exec(`${parts[0] ?? ""} ${parts[1] ?? ""}`);
  if (!header) return undefined;
  const entries: AckEntry[] = [];
  for (const part of parts.slice(2)) {
    const m = ENTRY.exec(part);
    if (!m) return undefined;
    entries.push({ subjectId: m[1] as string, state: LETTER_STATE[m[2] as string] as AlertState, key: m[3] as string });
  }
  return { notifierId: header[1] as string, entries };
}
