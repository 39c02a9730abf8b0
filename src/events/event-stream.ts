import type { Clock } from "../platform/clock.ts";
import { describeError } from "../platform/errors.ts";
import type { Logger } from "../platform/logger.ts";
import { EVENT_KIND_OF, type AgentEvent, type AgentEventInput, type AgentEventType } from "./agent-event.ts";

/** Called synchronously, in sequence order, for every event; must not block. */
export type EventListener = (event: AgentEvent) => void;

export interface EventStreamStats {
  published: number;
  publishedByType: Partial<Record<AgentEventType, number>>;
  /** Exceptions thrown by listeners, by subscriber name. */
  listenerErrors: Record<string, number>;
}

/**
 * The agent's one stream of events. Producers publish and forget; subscribers are called
 * synchronously in sequence order. A listener that throws is logged and counted and never
 * stops the others or the producer. A slow consumer subscribes through `subscribeAsync`
 * (async-subscriber.ts), which queues boundedly and counts drops.
 */
export interface EventStream {
  /**
   * Names this run of the stream (the agent uses its start time); sequence numbers start again
   * at 1 in every run, so a consumer resuming after `(epoch, seq)` of another run missed what
   * came between. Empty when the owner does not tell runs apart.
   */
  readonly epoch: string;
  /** Stamps `seq`, `kind` and `ts` (the clock's now unless given) and delivers the event. */
  publish(input: AgentEventInput): AgentEvent;
  /** `name` identifies the subscriber in logs and counters. Returns the unsubscribe function. */
  subscribe(name: string, listener: EventListener): () => void;
  /**
   * The retained events after `seq`, oldest first: for a consumer resuming after an event it
   * saw. Undefined when events after `seq` were already forgotten (the consumer missed some).
   */
  since(seq: number): AgentEvent[] | undefined;
  /** The sequence number of the newest event (0 before the first). */
  lastSeq(): number;
  stats(): EventStreamStats;
}

export interface EventStreamOptions {
  clock: Pick<Clock, "nowMs">;
  logger: Logger;
  /** How many recent events `since` can replay. */
  retainedMax?: number;
  /** See EventStream.epoch; default empty. */
  epoch?: string;
}

const DEFAULT_RETAINED_MAX = 1000;

export function createEventStream(options: EventStreamOptions): EventStream {
  const retainedMax = Math.max(0, options.retainedMax ?? DEFAULT_RETAINED_MAX);
  const subscribers = new Map<number, { name: string; listener: EventListener }>();
  const retained: AgentEvent[] = [];
  const pending: AgentEvent[] = [];
  const published: Partial<Record<AgentEventType, number>> = {};
  const listenerErrors: Record<string, number> = {};
  let nextId = 0;
  let seq = 0;
  let delivering = false;

  const deliver = (event: AgentEvent): void => {
    for (const { name, listener } of [...subscribers.values()]) {
      try {
        listener(event);
      } catch (error) {
        const count = (listenerErrors[name] = (listenerErrors[name] ?? 0) + 1);
        // Powers of two: the first failures are visible, a listener failing on every event does not flood the log.
        if ((count & (count - 1)) === 0) options.logger.error("event subscriber failed", { subscriber: name, event: event.type, seq: event.seq, failures: count, error: describeError(error) });
      }
    }
  };

  return {
    epoch: options.epoch ?? "",
    publish(input) {
      const { ts, ...rest } = input;
      const event = { ...rest, seq: ++seq, ts: ts ?? options.clock.nowMs(), kind: EVENT_KIND_OF[input.type] } as AgentEvent;
      published[event.type] = (published[event.type] ?? 0) + 1;
      if (retainedMax > 0) {
        retained.push(event);
        if (retained.length > retainedMax) retained.shift();
      }
      pending.push(event);
      // A listener that publishes (e.g. the cluster view reacting to a node event) gets its
      // event queued behind the current one, so every subscriber sees sequence order.
      if (delivering) return event;
      delivering = true;
      try {
        for (let next = pending.shift(); next; next = pending.shift()) deliver(next);
      } finally {
        delivering = false;
      }
      return event;
    },
    subscribe(name, listener) {
      const id = nextId++;
      subscribers.set(id, { name, listener });
      return () => void subscribers.delete(id);
    },
    since(after) {
      if (after >= seq) return [];
      const oldest = retained[0]?.seq ?? seq + 1;
      if (after + 1 < oldest) return undefined;
      return retained.slice(after + 1 - oldest);
    },
    lastSeq: () => seq,
    stats: () => ({
      published: seq,
      publishedByType: { ...published },
      listenerErrors: { ...listenerErrors },
    }),
  };
}
