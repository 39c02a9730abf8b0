import type { AgentEvent } from "../events/agent-event.ts";
import type { EventFilter } from "../events/event-filter.ts";
import type { EventStream } from "../events/event-stream.ts";
import type { Clock } from "../platform/clock.ts";
import type { Logger } from "../platform/logger.ts";
import { openEventClient, type EventClient } from "./event-client.ts";
import type { EventId } from "./event-id.ts";
import { eventMessage } from "./sse-message.ts";

export interface LiveEventsOptions {
  stream: EventStream;
  clock: Clock;
  logger: Logger;
  /** Connected clients at most; one more is answered 503. */
  clientsMax: number;
  /** Events waiting per client before its oldest are dropped (and it is told). */
  queueLengthMax?: number;
  /** A comment line this often keeps proxies and idle timers from closing a quiet stream. */
  heartbeatMs?: number;
  /** Bytes buffered per client before writing waits for it to read. */
  bufferedBytesMax?: number;
  /** What a browser's EventSource waits before reconnecting. */
  retryMs?: number;
}

export interface LiveEventsStats {
  clients: number;
  /** Clients served since start. */
  opened: number;
  /** Clients answered 503 because `clientsMax` were connected. */
  refused: number;
  /** Events dropped from the queues of clients that read too slowly, closed clients included. */
  dropped: number;
}

/** The clients of GET /events; built by the agent, read by the route. */
export interface LiveEvents {
  readonly clientsMax: number;
  /** A new client's response body; undefined when `clientsMax` are connected. */
  /** `resumeAfter`: the client's Last-Event-ID (an id of another run replays everything retained, with a `restarted` gap). */
  open(request: { filter: EventFilter; resumeAfter?: EventId }): EventClient | undefined;
  stats(): LiveEventsStats;
  /** Ends every response (the agent is stopping); resolves when all are unsubscribed. */
  closeAll(): Promise<void>;
}

export const LIVE_EVENTS_DEFAULTS = {
  queueLengthMax: 1000,
  heartbeatMs: 15_000,
  bufferedBytesMax: 64 * 1024,
  retryMs: 2000,
} as const;

export function createLiveEvents(options: LiveEventsOptions): LiveEvents {
  const settings = {
    queueLengthMax: options.queueLengthMax ?? LIVE_EVENTS_DEFAULTS.queueLengthMax,
    heartbeatMs: options.heartbeatMs ?? LIVE_EVENTS_DEFAULTS.heartbeatMs,
    bufferedBytesMax: options.bufferedBytesMax ?? LIVE_EVENTS_DEFAULTS.bufferedBytesMax,
    retryMs: options.retryMs ?? LIVE_EVENTS_DEFAULTS.retryMs,
  };
  const clients = new Set<EventClient>();
  // Every client takes the same bytes for an event: encode once, forget with the event.
  const encoded = new WeakMap<AgentEvent, Uint8Array>();
  const encode = (event: AgentEvent): Uint8Array => {
    let bytes = encoded.get(event);
    if (!bytes) encoded.set(event, (bytes = eventMessage(event, options.stream.epoch)));
    return bytes;
  };
  const stats = { opened: 0, refused: 0, droppedByClosed: 0 };
  return {
    clientsMax: options.clientsMax,
    open(request) {
      if (clients.size >= options.clientsMax) {
        const refused = ++stats.refused;
        if ((refused & (refused - 1)) === 0) options.logger.warn("too many /events clients; refusing more", { clientsMax: options.clientsMax, refused });
        return undefined;
      }
      const client = openEventClient({
        stream: options.stream,
        clock: options.clock,
        logger: options.logger,
        name: `events-client-${++stats.opened}`,
        filter: request.filter,
        resumeAfter: resumeSeq(options.stream, request.resumeAfter),
        queueLengthMax: settings.queueLengthMax,
        heartbeatMs: settings.heartbeatMs,
        bufferedBytesMax: settings.bufferedBytesMax,
        retryMs: settings.retryMs,
        encode,
        onClosed: (closed) => {
          if (clients.delete(closed)) stats.droppedByClosed += closed.dropped();
        },
      });
      clients.add(client);
      return client;
    },
    stats: () => ({
      clients: clients.size,
      opened: stats.opened,
      refused: stats.refused,
      dropped: stats.droppedByClosed + [...clients].reduce((sum, c) => sum + c.dropped(), 0),
    }),
    async closeAll() {
      await Promise.all([...clients].map((c) => c.close()));
    },
  };
}


/**
 * The sequence number to resume after. An id of another run of the stream is taken as beyond
 * this run's newest event, which the replay reads as a restart: everything retained is new to
 * the client, and what happened in between is unknown.
 */
function resumeSeq(stream: EventStream, id: EventId | undefined): number | undefined {
  if (id === undefined) return undefined;
  if (id.epoch !== undefined && id.epoch !== stream.epoch) return Number.MAX_SAFE_INTEGER;
  return id.seq;
}
