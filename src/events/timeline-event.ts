import { assertNever } from "../platform/assert-never.ts";
import type { AgentEvent } from "./agent-event.ts";

/**
 * The timeline: the state changes kept in history, in the original agent's events table
 * shape. Every timeline type is also an agent event type (see agent-event.ts); the history
 * recorder keeps exactly these.
 */
export const TIMELINE_EVENT_TYPES = [
  "ClusterDegraded",
  "ClusterHealthy",
  "NodeAdded",
  "NodeRemoved",
  "NodeDegraded",
  "NodeHealthy",
  "ProbeFailed",
  "ProbeSucceeded",
  "TagsChanged",
  "ExecRan",
  "KeyringChanged",
  "MaintenanceStarted",
  "MaintenanceEnded",
  "LeaderElected",
] as const;
export type TimelineEventType = (typeof TIMELINE_EVENT_TYPES)[number];

/** A state change as history keeps it. Times are Unix milliseconds. */
export interface TimelineEvent {
  timestamp: number;
  type: TimelineEventType;
  node?: string;
  probe?: string;
  oldState?: string;
  newState?: string;
  /** Why a probe failed (ProbeFailed), kept so the reason is known after it recovers; at most TIMELINE_ERROR_CHARS_MAX. */
  error?: string;
}

/** A ProbeFailed's error is kept up to this many characters (a checker's error is one line or a few). */
export const TIMELINE_ERROR_CHARS_MAX = 1024;

const TIMELINE_TYPE_SET: ReadonlySet<string> = new Set(TIMELINE_EVENT_TYPES);

export function isTimelineEventType(type: string): type is TimelineEventType {
  return TIMELINE_TYPE_SET.has(type);
}

/**
 * The timeline entry an event is kept as in history, or undefined for events history does
 * not keep (runs, tag updates, failures and leaves — a failure shows as NodeDegraded, a leave
 * as NodeRemoved — user events, agent errors).
 */
export function toTimelineEvent(event: AgentEvent): TimelineEvent | undefined {
  switch (event.type) {
    case "ProbeFailed":
    case "ProbeSucceeded": {
      const entry: TimelineEvent = { timestamp: event.ts, type: event.type, node: event.node, probe: event.probe, oldState: event.oldState, newState: event.newState };
      if (event.type === "ProbeFailed" && event.error) entry.error = event.error.slice(0, TIMELINE_ERROR_CHARS_MAX);
      return entry;
    }
    case "NodeAdded":
    case "NodeRemoved":
    case "NodeDegraded":
    case "NodeHealthy":
      return withoutUndefined({ timestamp: event.ts, type: event.type, node: event.node, oldState: event.oldState, newState: event.newState });
    case "ClusterDegraded":
    case "ClusterHealthy":
      return { timestamp: event.ts, type: event.type, oldState: event.oldState, newState: event.newState };
    case "TagsChanged":
      // The detected tags before and after, as key=value lists, in the state columns.
      return { timestamp: event.ts, type: event.type, node: event.node, oldState: formatTagList(tagsBefore(event)), newState: formatTagList(event.tags) };
    case "MaintenanceStarted":
      // The check in the probe column; when and why in the new state, as `satellite history` shows it.
      return withoutUndefined({ timestamp: event.ts, type: event.type, node: event.node, probe: event.check, newState: `maintenance until ${new Date(event.untilMs).toISOString()}: ${event.reason}`.slice(0, TIMELINE_ERROR_CHARS_MAX) });
    case "MaintenanceEnded":
      return withoutUndefined({ timestamp: event.ts, type: event.type, node: event.node, probe: event.check, oldState: "maintenance", newState: event.endedBy === "ended" && event.by ? `ended by ${event.by}` : event.endedBy });
    case "ExecRan":
      return execEntry(event);
    case "KeyringChanged":
      // Who asked in the old state, what was done in the new one; never a key.
      return withoutUndefined({ timestamp: event.ts, type: event.type, node: event.node, probe: "gossip keyring", oldState: `requested by ${event.requester}`.slice(0, TIMELINE_ERROR_CHARS_MAX), newState: `${event.op}: ${event.outcome}`, ...(event.reason ? { error: event.reason.slice(0, TIMELINE_ERROR_CHARS_MAX) } : {}) });
    case "ProbeRun":
    case "NodeUpdated":
    case "NodeFailed":
    case "NodeLeft":
    case "UserEvent":
    case "KvChanged":
    case "StoreWriteFailed":
    case "NotificationSent":
    case "NotificationFailed":
      return undefined;
    default:
      return assertNever(event, "event");
  }
}

/** A command's longest text in the probe column. */
const EXEC_COMMAND_CHARS_MAX = 256;

/**
 * A remote exec run on this node (docs/exec.md): the command in the probe column, who asked in
 * the old state (with the request id, so two equal runs in one millisecond stay two rows), the
 * outcome in the new state, and why it was refused or failed in the error.
 */
function execEntry(event: Extract<AgentEvent, { type: "ExecRan" }>): TimelineEvent {
  const ran = event.timedOut ? "ran: timed out" : event.exitCode === null || event.exitCode === undefined ? "ran: killed by a signal" : `ran: exit ${event.exitCode}`;
  const entry: TimelineEvent = {
    timestamp: event.ts,
    type: event.type,
    node: event.node,
    probe: event.argv.join(" ").slice(0, EXEC_COMMAND_CHARS_MAX),
    oldState: `requested by ${event.requester} (id ${event.requestId})`.slice(0, TIMELINE_ERROR_CHARS_MAX),
    newState: event.outcome === "ran" ? ran : event.outcome,
  };
  if (event.reason) entry.error = event.reason.slice(0, TIMELINE_ERROR_CHARS_MAX);
  return entry;
}

function withoutUndefined(event: TimelineEvent): TimelineEvent {
  if (event.node === undefined) delete event.node;
  if (event.probe === undefined) delete event.probe;
  if (event.oldState === undefined) delete event.oldState;
  if (event.newState === undefined) delete event.newState;
  return event;
}

/** The detected tags before a TagsChanged: now's, without what it set, with what it removed (values of removed tags are not kept). */
function tagsBefore(event: { tags: Record<string, string>; set: Record<string, string>; removed: string[] }): Record<string, string> {
  const before: Record<string, string> = {};
  for (const [key, value] of Object.entries(event.tags)) if (!Object.hasOwn(event.set, key)) before[key] = value;
  for (const key of event.removed) before[key] = "";
  return before;
}

/** `a=1,b=2` sorted by key; a key without a value is written alone. */
export function formatTagList(tags: Readonly<Record<string, string>>): string {
  return Object.keys(tags)
    .sort()
    .map((key) => (tags[key] === "" ? key : `${key}=${tags[key]}`))
    .join(",")
    .slice(0, TIMELINE_ERROR_CHARS_MAX);
}
