import { isEventType, type AgentEvent } from "../events/agent-event.ts";
import { assertNever } from "../platform/assert-never.ts";

type Field = [name: string, value: string | number | boolean | undefined];

/** A user event's payload is shown up to this many characters in a line (`--json` has it whole). */
const PAYLOAD_CHARS_SHOWN = 200;

/**
 * One event as one line for `satellite watch`:
 * `2026-12-01T20:00:00.000Z ProbeFailed node=n1 probe=docker state=failed error="connection refused"`.
 * Values with spaces, quotes, `=` or control characters are JSON-quoted, so a line never
 * breaks and never carries a terminal escape from the network. `event` comes from the agent:
 * a type this CLI does not know (a newer agent) is shown with all its fields.
 */
export function formatEventLine(event: { type: string; ts: number } & Record<string, unknown>): string {
  const fields = isEventType(event.type) ? fieldsOf(event as unknown as AgentEvent) : genericFields(event);
  const time = Number.isFinite(event.ts) ? new Date(event.ts).toISOString() : "-";
  const shown = fields.filter(([, value]) => value !== undefined && value !== "").map(([name, value]) => `${name}=${quote(String(value))}`);
  return [time, quote(event.type), ...shown].join(" ");
}

function fieldsOf(event: AgentEvent): Field[] {
  switch (event.type) {
    case "ProbeRun":
      return [["node", event.node], ["probe", event.probe], ["kind", event.checkKind], ["status", event.status], ["duration", `${Math.round(event.durationMs)}ms`], ["error", event.error]];
    case "ProbeFailed":
    case "ProbeSucceeded":
      return [["node", event.node], ["probe", event.probe], ["state", event.newState], ["severity", event.severity === "warning" ? "warning" : undefined], ["error", event.error]];
    case "NodeAdded":
    case "NodeUpdated":
    case "NodeFailed":
    case "NodeLeft":
    case "NodeRemoved":
      return [["node", event.node], ["addr", event.addr], ["state", event.newState]];
    case "NodeDegraded":
    case "NodeHealthy":
      return [["node", event.node], ["state", event.newState]];
    case "ClusterDegraded":
    case "ClusterHealthy":
      return [["state", event.newState]];
    case "TagsChanged":
      return [["node", event.node], ["tags", Object.entries(event.tags).map(([k, v]) => `${k}=${v}`).join(",")], ["removed", event.removed.join(",")]];
    case "MaintenanceStarted":
      return [["id", event.id], ["node", event.node], ["probe", event.check], ["until", new Date(event.untilMs).toISOString()], ["by", event.author], ["reason", event.reason]];
    case "MaintenanceEnded":
      return [["id", event.id], ["node", event.node], ["probe", event.check], ["ended", event.endedBy], ["by", event.by]];
    case "UserEvent":
      return [["name", event.name], ["payload", shorten(event.payload)], ["encoding", event.payloadEncoding === "base64" ? "base64" : undefined], ["ltime", event.ltime]];
    case "StoreWriteFailed":
      return [["store", event.store], ["error", event.error]];
    case "ExecRan":
      return [["node", event.node], ["outcome", event.outcome], ["argv", shorten(event.argv.join(" "))], ["exit", event.exitCode ?? undefined], ["by", event.requester], ["reason", event.reason]];
    case "KeyringChanged":
      return [["node", event.node], ["op", event.op], ["outcome", event.outcome], ["by", event.requester], ["keys", event.keys], ["reason", event.reason]];
    case "KvChanged":
      return [["key", shorten(event.key)], ["op", event.op], ["version", event.version]];
    case "NotificationSent":
      return [["notifier", event.notifier], ["about", event.about], ["node", event.subjectNode], ["probe", event.checker], ["attempts", event.attempts]];
    case "NotificationFailed":
      return [["notifier", event.notifier], ["about", event.about], ["node", event.subjectNode], ["probe", event.checker], ["attempts", event.attempts], ["final", event.final], ["error", event.error]];
    default:
      return assertNever(event, "event");
  }
}

const ENVELOPE = new Set(["type", "ts", "seq", "kind"]);

function genericFields(event: Record<string, unknown>): Field[] {
  return Object.entries(event)
    .filter(([name]) => !ENVELOPE.has(name))
    .map(([name, value]): Field => [name, typeof value === "object" && value !== null ? JSON.stringify(value) : (value as Field[1])]);
}

function shorten(text: string): string {
  return text.length > PAYLOAD_CHARS_SHOWN ? `${text.slice(0, PAYLOAD_CHARS_SHOWN)}…` : text;
}

function quote(text: string): string {
  return /^[\w.:/@+,-]+$/.test(text) ? text : jsonLine(text);
}

/**
 * JSON text on one line that is safe on a terminal: JSON escapes C0 controls (ESC included);
 * DEL, C1 (0x9b starts an escape sequence on some terminals) and line separators are
 * escaped too, which keeps it valid JSON.
 */
export function jsonLine(value: unknown): string {
  return JSON.stringify(value).replace(/[\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}
