import { describeError } from "../platform/errors.ts";
import type { Logger } from "../platform/logger.ts";
import type { AgentEvent } from "./agent-event.ts";
import type { EventStream } from "./event-stream.ts";

export interface AsyncSubscriberOptions {
  /** Names the subscriber in logs and counters. */
  name: string;
  /** Events waiting beyond this are dropped, oldest first, and counted. */
  queueLengthMax: number;
  /** Handles one event at a time; a rejection is logged and counted, and the next event follows. */
  handle: (event: AgentEvent) => Promise<void>;
  /** Only events it accepts are queued. */
  accept?: (event: AgentEvent) => boolean;
  logger: Logger;
}

export interface AsyncSubscriberStats {
  queued: number;
  handled: number;
  failed: number;
  /** Events dropped because the queue was full. */
  dropped: number;
}

export interface AsyncSubscription {
  stats(): AsyncSubscriberStats;
  /** Unsubscribes; resolves when the event being handled (if any) is done. Queued events are left. */
  stop(): Promise<void>;
  /** Resolves when the queue is empty and nothing is being handled (tests, orderly shutdown). */
  idle(): Promise<void>;
}

/**
 * Serves a slow consumer (a webhook, a mailer, an SSE client) from the synchronous stream: the
 * producer only appends to a bounded queue, so a consumer that stalls can never stall the
 * agent; what does not fit is dropped, oldest first, and counted.
 */
export function subscribeAsync(stream: EventStream, options: AsyncSubscriberOptions): AsyncSubscription {
  const queue: AgentEvent[] = [];
  const stats: AsyncSubscriberStats = { queued: 0, handled: 0, failed: 0, dropped: 0 };
  let running: Promise<void> | undefined;
  let stopped = false;
  let idleWaiters: (() => void)[] = [];

  const drain = async (): Promise<void> => {
    for (let event = queue.shift(); event && !stopped; event = queue.shift()) {
      try {
        await options.handle(event);
        stats.handled++;
      } catch (error) {
        stats.failed++;
        options.logger.warn("event consumer failed", { subscriber: options.name, event: event.type, seq: event.seq, error: describeError(error) });
      }
    }
    running = undefined;
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const resolve of waiters) resolve();
  };

  const unsubscribe = stream.subscribe(options.name, (event) => {
    if (stopped || (options.accept && !options.accept(event))) return;
    queue.push(event);
    stats.queued++;
    if (queue.length > options.queueLengthMax) {
      queue.shift();
      const dropped = ++stats.dropped;
      if ((dropped & (dropped - 1)) === 0) options.logger.warn("event consumer too slow; dropping its oldest events", { subscriber: options.name, dropped, queueLengthMax: options.queueLengthMax });
    }
    running ??= Promise.resolve().then(drain);
  });

  return {
    stats: () => ({ ...stats }),
    async stop() {
      stopped = true;
      unsubscribe();
      await running;
    },
    idle: () => (running ? new Promise<void>((resolve) => idleWaiters.push(resolve)) : Promise.resolve()),
  };
}
