import { Hono } from "hono";
import { parseEventFilterList, type EventFilter } from "../events/event-filter.ts";
import type { ApiBindings, ApiDeps } from "./api-deps.ts";
import type { Parsed } from "./json-body.ts";
import { jsonError } from "./json-error.ts";
import { queryInput } from "./query-input.ts";
import { parseEventId, type EventId } from "./event-id.ts";

/** GET /events's parameters as text. */
export interface EventsQueryText {
  types?: string;
  lastEventId?: string;
}
export const EVENTS_QUERY_PARAMS = ["types", "lastEventId"] as const satisfies readonly (keyof EventsQueryText)[];

export interface EventsQuery {
  filter: EventFilter;
  lastEventId?: EventId;
}

export function parseEventsQuery(params: EventsQueryText): Parsed<EventsQuery> {
  const parsed = parseEventFilterList(params.types ?? "");
  if (!parsed.ok) return { ok: false, error: `types: ${parsed.error}`, hint: "e.g. /events?types=probe,NodeFailed" };
  const query: EventsQuery = { filter: parsed.filter };
  if (params.lastEventId !== undefined) {
    const id = parseEventId("lastEventId", params.lastEventId);
    if (typeof id === "string") return { ok: false, error: id };
    query.lastEventId = id;
  }
  return { ok: true, value: query };
}

/**
 * GET /events: the agent's event stream as Server-Sent Events (docs/events.md). Read-only
 * like /status, so no token is needed. Resumes after the `Last-Event-ID` header (what an
 * EventSource sends when it reconnects; it wins over `?lastEventId=`, which stays the same
 * in a reconnecting browser's URL). Beyond the configured number of clients: 503.
 */
export function eventsRoutes(deps: ApiDeps) {
  return new Hono<ApiBindings>().get("/events", queryInput<EventsQueryText, EventsQuery>(EVENTS_QUERY_PARAMS, parseEventsQuery), (c) => {
    const live = deps.liveEvents;
    if (!live) return jsonError(c, 503, "this agent serves no live events");
    const query = c.req.valid("query");
    let resumeAfter = query.lastEventId;
    const header = c.req.header("last-event-id");
    if (header !== undefined && header.trim() !== "") {
      const id = parseEventId("Last-Event-ID", header.trim());
      if (typeof id === "string") return jsonError(c, 400, id, "send the id of the last event received, or no Last-Event-ID header for live events only");
      resumeAfter = id;
    }
    const client = live.open({ filter: query.filter, resumeAfter });
    if (!client) {
      return jsonError(c, 503, `too many /events clients: ${live.clientsMax} are connected`, "try again later, close idle watchers, or raise eventsClientsMax in the config file");
    }
    // The client may go away before the body is ever read; the runtime then aborts the request.
    c.req.raw.signal.addEventListener("abort", () => void client.close(), { once: true });
    return c.body(client.body, 200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache",
      // nginx buffers responses unless told not to; an event must arrive when it happens.
      "x-accel-buffering": "no",
    });
  });
}
