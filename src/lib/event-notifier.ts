import type { AgentEvent } from "../events/agent-event.ts";
import { subscribeAsync, type AsyncSubscription } from "../events/async-subscriber.ts";
import type { EventStream } from "../events/event-stream.ts";
import type { Logger } from "../platform/logger.ts";

/**
 * A notifier of your own: it is handed the agent's events (docs/events.md) one at a time on a
 * bounded queue, beside the built-in notifiers of the config. Contract: `handle` may do I/O
 * and may be slow; a rejection is logged and counted, and the next event follows; when it
 * falls more than `queueLengthMax` events behind, the oldest are dropped and counted.
 */
export interface EventNotifier {
  name: string;
  /** Only the events it accepts are queued; all by default. */
  accept?(event: AgentEvent): boolean;
  handle(event: AgentEvent): Promise<void>;
  /** Default 1,000. */
  queueLengthMax?: number;
}

/** Subscribes each notifier to `events`; stop the returned subscriptions before the agent. */
export function attachNotifiers(events: EventStream, notifiers: readonly EventNotifier[], logger: Logger): AsyncSubscription[] {
  return notifiers.map((n) =>
    subscribeAsync(events, {
      name: `notifier:${n.name}`,
      queueLengthMax: n.queueLengthMax ?? 1000,
      handle: (event) => n.handle(event),
      accept: n.accept ? (event) => n.accept?.(event) === true : undefined,
      logger: logger.child({ notifier: n.name }),
    }),
  );
}
