import { parseDurationMs } from "../config/duration.ts";
import { TIMELINE_EVENT_TYPES, type EventQuery, type TimelineEventType } from "../store/history-store.ts";

/**
 * Parses `since`: a duration back from now ("1h", "30m", "7d"), an RFC 3339 time, or Unix
 * milliseconds. Returns an error string when it is none of those.
 */
export function parseSince(text: string, nowMs: number): number | string {
  const duration = parseDurationMs(text);
  if (duration !== undefined && /[a-z]$/i.test(text.trim())) return nowMs - duration;
  if (/^\d{10,}$/.test(text.trim())) return Number(text.trim());
  const parsed = Date.parse(text);
  if (!Number.isNaN(parsed) && /^\d{4}-\d{2}-\d{2}/.test(text)) return parsed;
  return `since "${text}" is neither a duration (1h, 30m, 7d), an RFC 3339 time nor Unix milliseconds`;
}

/** Builds an EventQuery from URL query values; returns an error string for a bad value. */
export function parseEventQuery(params: Record<string, string | undefined>, nowMs: number): EventQuery | string {
  const query: EventQuery = {};
  if (params.node) query.node = params.node;
  if (params.probe) query.probe = params.probe;
  if (params.type) {
    if (!(TIMELINE_EVENT_TYPES as readonly string[]).includes(params.type)) {
      return `type "${params.type}" is unknown; allowed: ${TIMELINE_EVENT_TYPES.join(", ")}`;
    }
    query.type = params.type as TimelineEventType;
  }
  if (params.since) {
    const since = parseSince(params.since, nowMs);
    if (typeof since === "string") return since;
    query.sinceMs = since;
  }
  if (params.limit) {
    const limit = Number(params.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 100_000) return `limit "${params.limit}" must be a whole number from 1 to 100000`;
    query.limit = limit;
  }
  return query;
}
