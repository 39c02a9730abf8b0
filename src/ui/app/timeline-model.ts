/** `/history` events and live `/events` as timeline rows, read defensively. */
import { TIMELINE_EVENT_TYPES } from "../../events/timeline-event.ts";
import type { TimelineFilter } from "./router.ts";
import { text } from "./status-model.ts";

export interface TimelineRow {
  timestampMs: number;
  type: string;
  node?: string;
  probe?: string;
  oldState?: string;
  newState?: string;
  /** The error of a ProbeFailed, when the agent sends it. */
  error?: string;
}

export const TIMELINE_ROWS_MAX = 2000;
const TIMELINE_TYPES: ReadonlySet<string> = new Set(TIMELINE_EVENT_TYPES);

/** One history event (`timestamp` RFC 3339) or one live event (`ts` Unix ms); undefined when it is not a timeline event. */
export function readTimelineRow(value: unknown): TimelineRow | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const e = value as Record<string, unknown>;
  const type = text(e.type, 64);
  if (!type || !TIMELINE_TYPES.has(type)) return undefined;
  const timestampMs = typeof e.ts === "number" ? e.ts : typeof e.timestamp === "string" ? Date.parse(e.timestamp) : typeof e.timestamp === "number" ? e.timestamp : Number.NaN;
  if (!Number.isFinite(timestampMs)) return undefined;
  const row: TimelineRow = { timestampMs, type };
  const fields = { node: text(e.node, 253), probe: text(e.probe, 253), oldState: text(e.oldState, 64), newState: text(e.newState, 64), error: text(e.error) };
  for (const [key, v] of Object.entries(fields) as [keyof typeof fields, string | undefined][]) if (v !== undefined) row[key] = v;
  return row;
}

export function readTimeline(value: unknown): TimelineRow[] {
  const events = typeof value === "object" && value !== null ? (value as { events?: unknown }).events : undefined;
  if (!Array.isArray(events)) return [];
  return events.slice(0, TIMELINE_ROWS_MAX).map(readTimelineRow).filter((r): r is TimelineRow => r !== undefined);
}

const SINCE_MS: Readonly<Record<TimelineFilter["since"], number>> = { "1h": 3_600_000, "6h": 6 * 3_600_000, "24h": 86_400_000, "7d": 7 * 86_400_000 };

/** Whether a (live) row belongs in a timeline shown with `filter` at `nowMs`. */
export function rowMatches(row: TimelineRow, filter: TimelineFilter, nowMs: number): boolean {
  if (filter.node && row.node !== filter.node) return false;
  if (filter.probe && row.probe !== filter.probe) return false;
  if (filter.type && row.type !== filter.type) return false;
  return row.timestampMs >= nowMs - SINCE_MS[filter.since];
}
