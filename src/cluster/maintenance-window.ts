import { isValidNodeName } from "../membership/member-claims.ts";
import { assertNever } from "../platform/assert-never.ts";

/**
 * A maintenance window mutes a node, or a check (on one node or everywhere), until an absolute
 * time: the cluster status and notifiers leave it out while `/status` still shows its real
 * state with a marker (docs/maintenance.md). Windows travel as serf user events named
 * `satellite-maintenance` whose payload is one small JSON message:
 *   {"v":1,"op":"start","w":{"id","node"?,"check"?,"author","startedAtMs","untilMs","reason"}}
 *   {"v":1,"op":"end","id","by","atMs"}
 * Everything read from the network goes through `decodeMaintenanceMessage`: sizes, counts,
 * integers and times are checked, and anything that does not match exactly is dropped.
 */
export const MAINTENANCE_EVENT_NAME = "satellite-maintenance";

export interface MaintenanceWindow {
  /** 16 hex characters, chosen by the node that started it. */
  id: string;
  /** The muted node; with `check`, the node whose check is muted. */
  node?: string;
  /** The muted check; without `node`, on every node. */
  check?: string;
  /** The node that started the window. */
  author: string;
  /** Unix ms. */
  startedAtMs: number;
  /** Unix ms: the window ends by itself then. */
  untilMs: number;
  reason: string;
}

export type MaintenanceMessage = { op: "start"; window: MaintenanceWindow } | { op: "end"; id: string; by: string; atMs: number };

/** The longest window; a longer mute is a decommission (`satellite force-leave`) or a config change. */
export const MAINTENANCE_DURATION_MAX_MS = 7 * 24 * 3600_000;
/** The shortest window worth gossiping. */
export const MAINTENANCE_DURATION_MIN_MS = 1000;
export const MAINTENANCE_REASON_CHARS_MAX = 160;
export const MAINTENANCE_CHECK_CHARS_MAX = 128;
/** serf refuses user events over 512 bytes (name, payload and framing): a payload stays under this. */
export const MAINTENANCE_PAYLOAD_BYTES_MAX = 420;
/** How far ahead of this node's clock another node's start time may be (clocks drift). */
export const MAINTENANCE_CLOCK_SKEW_MS = 5 * 60_000;

const ID = /^[0-9a-f]{16}$/;
const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
const WINDOW_KEYS: ReadonlySet<string> = new Set(["id", "node", "check", "author", "startedAtMs", "untilMs", "reason"]);

export function isMaintenanceId(text: string): boolean {
  return ID.test(text);
}

/** A check name a window may carry: 1 to 128 characters, no control characters. */
export function isValidCheckName(name: string): boolean {
  return name.length > 0 && name.length <= MAINTENANCE_CHECK_CHARS_MAX && !CONTROL_CHARS.test(name);
}

export function isValidReason(reason: string): boolean {
  return reason.length <= MAINTENANCE_REASON_CHARS_MAX && !CONTROL_CHARS.test(reason);
}

export function encodeMaintenanceMessage(message: MaintenanceMessage): string {
  switch (message.op) {
    case "start": {
      const w = message.window;
      return JSON.stringify({ v: 1, op: "start", w: { id: w.id, node: w.node, check: w.check, author: w.author, startedAtMs: w.startedAtMs, untilMs: w.untilMs, reason: w.reason } });
    }
    case "end":
      return JSON.stringify({ v: 1, op: "end", id: message.id, by: message.by, atMs: message.atMs });
    default:
      return assertNever(message, "maintenance message");
  }
}

/** What is wrong with a window (to log), or undefined when it is acceptable at `nowMs`. */
export function windowProblem(value: unknown, nowMs: number): string | undefined {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return "the window is not an object";
  const unknownKey = Object.keys(value).find((key) => !WINDOW_KEYS.has(key));
  if (unknownKey !== undefined) return `unknown key "${unknownKey.slice(0, 32)}"`;
  const w = value as Record<string, unknown>;
  if (typeof w.id !== "string" || !ID.test(w.id)) return "id is not 16 hex characters";
  if (w.node !== undefined && (typeof w.node !== "string" || !isValidNodeName(w.node))) return "node is not a valid node name";
  if (w.check !== undefined && (typeof w.check !== "string" || !isValidCheckName(w.check))) return `check is not 1 to ${MAINTENANCE_CHECK_CHARS_MAX} characters without control characters`;
  if (w.node === undefined && w.check === undefined) return "the window names neither a node nor a check";
  if (typeof w.author !== "string" || !isValidNodeName(w.author)) return "author is not a valid node name";
  if (typeof w.reason !== "string" || !isValidReason(w.reason)) return `reason is not at most ${MAINTENANCE_REASON_CHARS_MAX} characters without control characters`;
  if (!isUnixMs(w.startedAtMs) || !isUnixMs(w.untilMs)) return "startedAtMs and untilMs must be integer Unix milliseconds";
  if (w.startedAtMs > nowMs + MAINTENANCE_CLOCK_SKEW_MS) return "startedAtMs is in the future";
  const durationMs = w.untilMs - w.startedAtMs;
  if (durationMs < MAINTENANCE_DURATION_MIN_MS || durationMs > MAINTENANCE_DURATION_MAX_MS) return "the window is shorter than a second or longer than 7 days";
  return undefined;
}

/**
 * The message in a `satellite-maintenance` payload, or why it is refused. A window already
 * over at `nowMs` is still a valid message (the table ignores it).
 */
export function decodeMaintenanceMessage(payload: string, nowMs: number): { ok: true; message: MaintenanceMessage } | { ok: false; error: string } {
  if (payload.length > MAINTENANCE_PAYLOAD_BYTES_MAX) return { ok: false, error: `payload of ${payload.length} characters is over ${MAINTENANCE_PAYLOAD_BYTES_MAX}` };
  let value: unknown;
  try {
    value = JSON.parse(payload);
  } catch {
    return { ok: false, error: "payload is not JSON" };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return { ok: false, error: "payload is not a JSON object" };
  const m = value as Record<string, unknown>;
  if (m.v !== 1) return { ok: false, error: "unknown message version" };
  if (m.op === "start") {
    if (Object.keys(m).some((key) => key !== "v" && key !== "op" && key !== "w")) return { ok: false, error: "unknown key in a start message" };
    const problem = windowProblem(m.w, nowMs);
    if (problem !== undefined) return { ok: false, error: problem };
    const w = m.w as MaintenanceWindow;
    const window: MaintenanceWindow = { id: w.id, author: w.author, startedAtMs: w.startedAtMs, untilMs: w.untilMs, reason: w.reason };
    if (w.node !== undefined) window.node = w.node;
    if (w.check !== undefined) window.check = w.check;
    return { ok: true, message: { op: "start", window } };
  }
  if (m.op === "end") {
    if (Object.keys(m).some((key) => !["v", "op", "id", "by", "atMs"].includes(key))) return { ok: false, error: "unknown key in an end message" };
    if (typeof m.id !== "string" || !ID.test(m.id)) return { ok: false, error: "id is not 16 hex characters" };
    if (typeof m.by !== "string" || !isValidNodeName(m.by)) return { ok: false, error: "by is not a valid node name" };
    if (!isUnixMs(m.atMs) || m.atMs > nowMs + MAINTENANCE_CLOCK_SKEW_MS) return { ok: false, error: "atMs is not a plausible Unix time" };
    return { ok: true, message: { op: "end", id: m.id, by: m.by, atMs: m.atMs } };
  }
  return { ok: false, error: "op is neither start nor end" };
}

/** An integer number of ms after 2000-01-01 and before 2200 (no clock sends anything else). */
function isUnixMs(value: unknown): value is number {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 946_684_800_000 && value < 7_258_118_400_000;
}

/** What a window mutes, for logs and the CLI: "node n1", "check docker on n1", "check docker everywhere". */
export function describeWindowTarget(w: Pick<MaintenanceWindow, "node" | "check">): string {
  if (w.check === undefined) return `node ${w.node ?? "?"}`;
  return w.node === undefined ? `check ${w.check} everywhere` : `check ${w.check} on ${w.node}`;
}
