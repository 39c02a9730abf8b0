import type { AgentEvent } from "../events/agent-event.ts";
import type { EventFilter } from "../events/event-filter.ts";
import { replayAfter } from "../events/event-replay.ts";
import type { EventStream } from "../events/event-stream.ts";
import { subscribeAsync } from "../events/async-subscriber.ts";
import type { Clock } from "../platform/clock.ts";
import type { Logger } from "../platform/logger.ts";
import { createSseChannel } from "./sse-channel.ts";
import { gapMessage, HEARTBEAT_MESSAGE, openingMessage } from "./sse-message.ts";

export interface EventClientOptions {
  stream: EventStream;
  clock: Clock;
  logger: Logger;
  /** Names the subscriber in logs and counters (`events-client-7`). */
  name: string;
  filter: EventFilter;
  /** The client's Last-Event-ID: replay what came after it first. Absent: live events only. */
  resumeAfter?: number;
  queueLengthMax: number;
  heartbeatMs: number;
  bufferedBytesMax: number;
  retryMs: number;
  /** The event as its SSE message; shared by every client, so each event is encoded once. */
  encode(event: AgentEvent): Uint8Array;
  /** Called once, after the client is unsubscribed, whoever closed it. */
  onClosed(client: EventClient): void;
}

export interface EventClient {
  body: ReadableStream<Uint8Array>;
  /** Events dropped from this client's queue so far. */
  dropped(): number;
  /** Ends the response; resolves when the client is unsubscribed. */
  close(): Promise<void>;
}

/**
 * One GET /events client. It subscribes before it replays, so no event falls between the two;
 * events up to the stream's newest at connect time come from the replay, later ones from the
 * subscription. The subscription's bounded queue drops the oldest events of a client that
 * reads too slowly; the client is then told in-band (`event: gap`, reason `slow`, how many)
 * before the next event and stays connected: a dashboard prefers fresh events with a gap to a
 * reconnect. A heartbeat comment goes out every `heartbeatMs` when there is room for it.
 */
export function openEventClient(options: EventClientOptions): EventClient {
  const { stream, filter } = options;
  const liveAfter = stream.lastSeq();
  let reportedDrops = 0;
  let closing: Promise<void> | undefined;
  const channel = createSseChannel(options.bufferedBytesMax, () => void client.close());
  const subscription = subscribeAsync(stream, {
    name: options.name,
    queueLengthMax: options.queueLengthMax,
    logger: options.logger,
    accept: (event) => filter.accepts(event),
    handle: async (event) => {
      await replayed;
      const dropped = subscription.stats().dropped;
      if (dropped > reportedDrops) {
        const missed = dropped - reportedDrops;
        reportedDrops = dropped;
        if (!(await channel.write(gapMessage({ reason: "slow", missed })))) return;
      }
      // Events published before the subscription but delivered after it (a client opened
      // from inside a delivery) are already part of the replay.
      if (event.seq > liveAfter) await channel.write(options.encode(event));
    },
  });
  channel.offer(openingMessage(liveAfter, options.retryMs));
  const replayed = replay();
  let heartbeat = options.clock.setTimer(options.heartbeatMs, function beat() {
    channel.offer(HEARTBEAT_MESSAGE);
    heartbeat = options.clock.setTimer(options.heartbeatMs, beat);
  });

  async function replay(): Promise<void> {
    if (options.resumeAfter === undefined) return;
    const missed = replayAfter(stream, options.resumeAfter);
    if (missed.restarted) await channel.write(gapMessage({ reason: "restarted", missed: missed.missed }));
    else if (missed.missed > 0) await channel.write(gapMessage({ reason: "forgotten", missed: missed.missed }));
    for (const event of missed.events) {
      if (filter.accepts(event) && !(await channel.write(options.encode(event)))) return;
    }
  }

  const client: EventClient = {
    body: channel.body,
    dropped: () => subscription.stats().dropped,
    close() {
      // Deferred, so the channel's own close callback (which calls this again) finds it set.
      closing ??= Promise.resolve().then(async () => {
        heartbeat.cancel();
        channel.close();
        await subscription.stop();
        options.onClosed(client);
      });
      return closing;
    },
  };
  return client;
}
