import type { AgentEvent } from "../events/agent-event.ts";
import { formatEventId } from "./event-id.ts";

/**
 * The text/event-stream messages of GET /events (docs/events.md). Every `data:` is one line
 * of JSON (JSON.stringify escapes line breaks), so a message is never split by its content.
 */

const encoder = new TextEncoder();

/** `id: <epoch>.<seq>` (or `<seq>` for a stream without an epoch), `event: <Type>`, `data: <the event as JSON>`. */
export function eventMessage(event: AgentEvent, epoch: string): Uint8Array {
  return encoder.encode(`id: ${formatEventId(epoch, event.seq)}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
}

/** Why events were not delivered to this client. */
export type GapReason =
  /** The client resumed after events the agent no longer retains. */
  | "forgotten"
  /** The client read too slowly; its queue dropped the oldest events. */
  | "slow"
  /** The client's Last-Event-ID is ahead of the agent: the agent restarted and numbers began again. */
  | "restarted";

export interface GapNotice {
  reason: GapReason;
  /** Events (matching the client's filter, for `slow`) that were not delivered; 0 when unknown (`restarted`). */
  missed: number;
}

/** `event: gap` without an id, so a client's Last-Event-ID stays that of the last event it got. */
export function gapMessage(gap: GapNotice): Uint8Array {
  return encoder.encode(`event: gap\ndata: ${JSON.stringify(gap)}\n\n`);
}

/** The first bytes of every response: how long a browser's EventSource waits before reconnecting, and where the stream is. */
export function openingMessage(lastSeq: number, retryMs: number): Uint8Array {
  return encoder.encode(`: satellite events; newest seq ${lastSeq}\nretry: ${retryMs}\n\n`);
}

/** A comment line: ignored by clients, keeps proxies and idle timers from closing the connection. */
export const HEARTBEAT_MESSAGE: Uint8Array = encoder.encode(":\n\n");
