import { EVENT_KINDS, EVENT_TYPES, isEventKind, isEventType, type AgentEvent, type AgentEventType, type EventKind } from "./agent-event.ts";

/** Which events a consumer takes: kinds and type names, as operators write them (`probe,NodeFailed`). */
export interface EventFilter {
  /** The names as given, in order, without duplicates; empty: every event. */
  names: readonly string[];
  accepts(event: Pick<AgentEvent, "type" | "kind">): boolean;
}

/** `error` names the offending name and says what is allowed. */
export type ParsedEventFilter = { ok: true; filter: EventFilter } | { ok: false; error: string };

/** At most this many names in one filter: every kind and type fits many times over. */
export const EVENT_FILTER_NAMES_MAX = 64;

/** What a filter may name, for error messages. */
export const EVENT_FILTER_ALLOWED = `kinds ${EVENT_KINDS.join(", ")}; or types ${EVENT_TYPES.join(", ")}`;

/**
 * Builds a filter from kinds and type names (`/events?types=`, `--event-handler TYPES=...`,
 * notifier `events:`). Names are case-sensitive, as the type names are; the first unknown
 * name is reported with what is allowed. No names: every event.
 */
export function parseEventFilter(names: readonly string[]): ParsedEventFilter {
  const kinds = new Set<EventKind>();
  const types = new Set<AgentEventType>();
  const given: string[] = [];
  if (names.length > EVENT_FILTER_NAMES_MAX) return { ok: false, error: `${names.length} event kinds and types given; at most ${EVENT_FILTER_NAMES_MAX}` };
  for (const raw of names) {
    const name = raw.trim();
    if (name === "") continue;
    if (isEventKind(name)) kinds.add(name);
    else if (isEventType(name)) types.add(name);
    else return { ok: false, error: `"${name.length > 64 ? `${name.slice(0, 64)}...` : name}" is not an event kind or type (allowed: ${EVENT_FILTER_ALLOWED})` };
    if (!given.includes(name)) given.push(name);
  }
  const all = given.length === 0;
  return { ok: true, filter: { names: given, accepts: (event) => all || kinds.has(event.kind) || types.has(event.type) } };
}

/** `probe,NodeFailed` -> the filter; the comma list form of parseEventFilter. */
export function parseEventFilterList(text: string): ParsedEventFilter {
  return parseEventFilter(text.split(","));
}
