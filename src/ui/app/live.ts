/**
 * The agent's event stream (`GET /events`, Server-Sent Events) kept open for as long as the
 * page lives: this, not a timer, is what makes the dashboard live. The browser's EventSource
 * reconnects by itself when the connection drops and sends `Last-Event-ID`, so the agent
 * replays what was missed; when the agent refuses or is gone long enough for the browser to
 * give up (state CLOSED), a new EventSource starts after a growing delay with
 * `?lastEventId=`. After every reconnect and on an `event: gap` (events forgotten, a slow
 * reader, or an agent restart that began numbering anew) the page re-reads everything.
 */
import { EVENT_TYPES } from "../../events/agent-event.ts";
import { apiUrl } from "./api.ts";

export type LiveState = "connecting" | "open" | "waiting";

export interface LiveOptions {
  /** Kinds and type names for `?types=`. */
  types: readonly string[];
  onEvent(event: Record<string, unknown>): void;
  /** Re-read everything: the page may have missed events. */
  onResync(reason: string): void;
  onState(state: LiveState, retryInMs?: number): void;
}

const RETRY_MS_MIN = 1000;
const RETRY_MS_MAX = 15_000;

export function startLiveEvents(options: LiveOptions): { stop(): void; connections(): number } {
  let source: EventSource | undefined;
  /** The last event's id as the agent sent it (opaque: `<epoch>.<seq>`). */
  let lastId: string | undefined;
  let opens = 0;
  let retryMs = RETRY_MS_MIN;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;

  const connect = () => {
    const url = apiUrl("/events", { types: options.types.join(","), lastEventId: lastId });
    const es = new EventSource(url);
    source = es;
    options.onState("connecting");
    es.onopen = () => {
      opens++;
      retryMs = RETRY_MS_MIN;
      document.documentElement.dataset.liveConnections = String(opens);
      options.onState("open");
      if (opens > 1) options.onResync("reconnected");
    };
    es.onerror = () => {
      if (stopped) return;
      if (es.readyState !== EventSource.CLOSED) {
        options.onState("connecting");
        return;
      }
      es.close();
      options.onState("waiting", retryMs);
      retryTimer = setTimeout(connect, retryMs);
      retryMs = Math.min(RETRY_MS_MAX, retryMs * 2);
    };
    const onMessage = (message: MessageEvent<string>) => {
      if (message.lastEventId !== "") lastId = message.lastEventId;
      let event: unknown;
      try {
        event = JSON.parse(message.data);
      } catch {
        return;
      }
      if (typeof event === "object" && event !== null) options.onEvent(event as Record<string, unknown>);
    };
    for (const type of EVENT_TYPES) es.addEventListener(type, onMessage as EventListener);
    es.addEventListener("gap", (message) => {
      let reason = "gap";
      try {
        reason = String((JSON.parse((message as MessageEvent<string>).data) as { reason?: unknown }).reason ?? "gap");
      } catch {
        // A gap without a readable reason is still a gap.
      }
      // After a restart the agent numbers from 1 again: forget the old position.
      if (reason === "restarted") lastId = undefined;
      options.onResync(reason);
    });
  };
  connect();
  return {
    stop() {
      stopped = true;
      if (retryTimer !== undefined) clearTimeout(retryTimer);
      source?.close();
    },
    connections: () => opens,
  };
}
