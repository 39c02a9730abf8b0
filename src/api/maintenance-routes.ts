import { Hono } from "hono";
import { isMaintenanceId, isValidCheckName, isValidReason, MAINTENANCE_CHECK_CHARS_MAX, MAINTENANCE_DURATION_MAX_MS, MAINTENANCE_DURATION_MIN_MS, MAINTENANCE_REASON_CHARS_MAX } from "../cluster/maintenance-window.ts";
import type { MaintenanceWindowJson } from "../cluster/status-json.ts";
import { parseDurationMs } from "../config/duration.ts";
import { isValidNodeName, NODE_NAME_MAX_BYTES } from "../membership/member-claims.ts";
import type { ApiBindings, ApiDeps } from "./api-deps.ts";
import { jsonBody, type Parsed } from "./json-body.ts";
import { jsonError } from "./json-error.ts";

/** POST /maintenance: mute a node, or a check (of one node, or everywhere), for a while. */
export interface MaintenanceStartRequest {
  node?: string;
  check?: string;
  durationMs: number;
  reason: string;
}

/** The body of POST /maintenance, as the CLI sends it: `for` is a duration ("90m", "2h", "1d"). */
export interface MaintenanceStartBody {
  node?: string;
  check?: string;
  for: string;
  reason?: string;
}

/** DELETE /maintenance: end one window by id, or every window of a node and/or check. */
export interface MaintenanceEndRequest {
  id?: string;
  node?: string;
  check?: string;
}

/** Why a start was refused: the answer's status, what went wrong and what to do. */
export interface MaintenanceRefusal {
  status: 400 | 404 | 409 | 503;
  error: string;
  hint?: string;
}

/** The agent's maintenance windows as the API uses them (agent/maintenance-setup.ts). */
export interface MaintenanceSource {
  list(): MaintenanceWindowJson[];
  start(request: MaintenanceStartRequest): { ok: true; window: MaintenanceWindowJson } | ({ ok: false } & MaintenanceRefusal);
  /** The windows it ended (none: nothing matched). */
  end(request: MaintenanceEndRequest): MaintenanceWindowJson[];
}

/** What to do instead of a window longer than the longest. */
const LONGER_MUTE_HINT = "a longer mute is a decommission: `satellite force-leave`, or remove the check from the config";

/**
 * Why `text` is no window duration, or undefined: 1s to 7d with a unit ("30m", "2h", "1d"). A
 * bare number is refused: parseDurationMs reads it as milliseconds, and "--for 3600" meant an hour.
 */
export function windowDurationProblem(text: string): { problem: string; hint?: string } | undefined {
  const quoted = JSON.stringify(text.length > 32 ? `${text.slice(0, 32)}...` : text);
  if (/^\s*\d+(\.\d+)?\s*$/.test(text)) return { problem: `${quoted} has no unit: a duration from 1s to 7d needs one, such as "90s", "30m", "2h" or "1d"` };
  const ms = parseDurationMs(text);
  if (ms === undefined) return { problem: `${quoted} is not a duration: write one from 1s to 7d such as "30m", "2h" or "1d"` };
  if (ms < MAINTENANCE_DURATION_MIN_MS) return { problem: `${quoted} is too short: a window lasts from 1s to 7d` };
  if (ms > MAINTENANCE_DURATION_MAX_MS) return { problem: `${quoted} is too long: a window lasts from 1s to 7d`, hint: LONGER_MUTE_HINT };
  return undefined;
}

/** Why a window's reason is refused (isValidReason said no): its length, or a control character. */
export function reasonProblem(reason: unknown): string {
  const rule = `at most ${MAINTENANCE_REASON_CHARS_MAX} characters without control characters (no new lines)`;
  if (typeof reason !== "string") return `must be text of ${rule}`;
  if (reason.length > MAINTENANCE_REASON_CHARS_MAX) return `has ${reason.length} characters: it must be text of ${rule}`;
  return `has a control character: it must be text of ${rule}`;
}

const START_SHAPE = 'the body is {"node": "NAME"} or {"check": "NAME", "node"?: "NAME"}, with "for": "1h" and "reason": "TEXT"';
const END_SHAPE = 'the body is {"id": "ID"}, {"node": "NAME"} or {"check": "NAME", "node"?: "NAME"}';

function targetProblem(node: unknown, check: unknown, shape: string): string | undefined {
  if (node !== undefined && (typeof node !== "string" || !isValidNodeName(node))) return `node must be a member's name (1 to ${NODE_NAME_MAX_BYTES} bytes, no control characters): ${shape}`;
  if (check !== undefined && (typeof check !== "string" || !isValidCheckName(check))) return `check must be a check's name (1 to ${MAINTENANCE_CHECK_CHARS_MAX} characters, no control characters): ${shape}`;
  return undefined;
}

function unknownKey(value: object, allowed: readonly string[], shape: string): string | undefined {
  const key = Object.keys(value).find((k) => !allowed.includes(k));
  return key === undefined ? undefined : `unknown key "${key.slice(0, 64)}": ${shape}`;
}

/** The request a valid body asks for (parseMaintenanceStartBody checked it already). */
export function maintenanceStartRequest(body: MaintenanceStartBody): MaintenanceStartRequest {
  return { node: body.node, check: body.check, durationMs: Math.round(parseDurationMs(body.for) ?? 0), reason: body.reason ?? "" };
}

export function parseMaintenanceStartBody(value: unknown): Parsed<MaintenanceStartBody> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return { ok: false, error: `body must be a JSON object: ${START_SHAPE}` };
  const extra = unknownKey(value, ["node", "check", "for", "reason"], START_SHAPE);
  if (extra) return { ok: false, error: extra };
  const { node, check, for: duration, reason } = value as Record<string, unknown>;
  const problem = targetProblem(node, check, START_SHAPE);
  if (problem) return { ok: false, error: problem, hint: "`satellite members` lists the nodes, `satellite checks` the checks" };
  if (node === undefined && check === undefined) return { ok: false, error: `name a node or a check: ${START_SHAPE}` };
  if (typeof duration !== "string") return { ok: false, error: `for must be a duration from 1s to 7d such as "30m" or "2h": ${START_SHAPE}` };
  const durationProblem = windowDurationProblem(duration);
  if (durationProblem) return { ok: false, error: `for ${durationProblem.problem}: ${START_SHAPE}`, hint: durationProblem.hint };
  if (reason !== undefined && (typeof reason !== "string" || !isValidReason(reason))) return { ok: false, error: `reason ${reasonProblem(reason)}` };
  return { ok: true, value: { node: node as string | undefined, check: check as string | undefined, for: duration as string, reason: reason as string | undefined } };
}

export function parseMaintenanceEnd(value: unknown): Parsed<MaintenanceEndRequest> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return { ok: false, error: `body must be a JSON object: ${END_SHAPE}` };
  const extra = unknownKey(value, ["id", "node", "check"], END_SHAPE);
  if (extra) return { ok: false, error: extra };
  const { id, node, check } = value as Record<string, unknown>;
  if (id !== undefined) {
    if (typeof id !== "string" || !isMaintenanceId(id)) return { ok: false, error: `id must be 16 hex characters: ${END_SHAPE}`, hint: "`satellite maintenance list` shows the ids" };
    if (node !== undefined || check !== undefined) return { ok: false, error: `give an id alone, or a node and/or a check: ${END_SHAPE}` };
    return { ok: true, value: { id } };
  }
  const problem = targetProblem(node, check, END_SHAPE);
  if (problem) return { ok: false, error: problem };
  if (node === undefined && check === undefined) return { ok: false, error: `name an id, a node or a check: ${END_SHAPE}` };
  return { ok: true, value: { node: node as string | undefined, check: check as string | undefined } };
}

/**
 * GET /maintenance (open, like the other reads), POST and DELETE /maintenance (mutating:
 * createApp's mutation guard decides who may). Windows are gossiped to every node by the agent;
 * any node may end any window.
 */
export function maintenanceRoutes(deps: ApiDeps) {
  const unavailable = "maintenance windows need gossip, which is not running on this agent";
  return new Hono<ApiBindings>()
    .get("/maintenance", (c) => {
      if (!deps.maintenance) return jsonError(c, 503, unavailable);
      return c.json({ windows: deps.maintenance.list() }, 200);
    })
    .post("/maintenance", jsonBody(parseMaintenanceStartBody), (c) => {
      if (!deps.maintenance) return jsonError(c, 503, unavailable);
      const result = deps.maintenance.start(maintenanceStartRequest(c.req.valid("json")));
      if (!result.ok) return jsonError(c, result.status, result.error, result.hint);
      return c.json({ window: result.window }, 200);
    })
    .delete("/maintenance", jsonBody(parseMaintenanceEnd), (c) => {
      if (!deps.maintenance) return jsonError(c, 503, unavailable);
      const ended = deps.maintenance.end(c.req.valid("json"));
      if (ended.length === 0) return jsonError(c, 404, "no active maintenance window matches", "`satellite maintenance list` shows the active windows");
      return c.json({ ended }, 200);
    });
}
