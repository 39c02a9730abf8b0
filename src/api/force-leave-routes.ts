import { Hono } from "hono";
import { assertNever } from "../platform/assert-never.ts";
import { isValidNodeName, NODE_NAME_MAX_BYTES } from "../membership/member-claims.ts";
import type { ApiBindings, ApiDeps } from "./api-deps.ts";
import { jsonBody, type Parsed } from "./json-body.ts";
import { jsonError } from "./json-error.ts";

export interface ForceLeaveRequest {
  /** The member's name, as `satellite members` lists it. */
  node: string;
  /** Forget the member now instead of after the tombstone timeout. */
  prune: boolean;
}

const SHAPE = 'the body is {"node": "NAME", "prune": false}';

/** Validates the body of POST /force-leave: a member name memberlist would accept and an optional boolean. */
export function parseForceLeaveRequest(value: unknown): Parsed<ForceLeaveRequest> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return { ok: false, error: `body must be a JSON object: ${SHAPE}` };
  const unknownKeys = Object.keys(value).filter((key) => key !== "node" && key !== "prune");
  if (unknownKeys.length > 0) return { ok: false, error: `unknown key "${unknownKeys[0]?.slice(0, 64)}": ${SHAPE}` };
  const { node, prune } = value as { node?: unknown; prune?: unknown };
  if (typeof node !== "string" || !isValidNodeName(node)) {
    return { ok: false, error: `node must be a member's name (1 to ${NODE_NAME_MAX_BYTES} bytes, no control characters): ${SHAPE}`, hint: "`satellite members` lists the names" };
  }
  if (prune !== undefined && typeof prune !== "boolean") return { ok: false, error: `prune must be true or false: ${SHAPE}` };
  return { ok: true, value: { node, prune: prune === true } };
}

/**
 * POST /force-leave (mutating: createApp's mutation guard decides who may). serf's force-leave:
 * the answer gives the member's status afterwards, "forgotten" when pruned; a live member shows
 * "leaving" until it refutes the intent and stays.
 */
export function forceLeaveRoutes(deps: ApiDeps) {
  return new Hono<ApiBindings>().post("/force-leave", jsonBody(parseForceLeaveRequest), async (c) => {
    const forceLeave = deps.membership?.forceLeave?.bind(deps.membership);
    if (!forceLeave) return jsonError(c, 503, "gossip is not running on this agent");
    const { node, prune } = c.req.valid("json");
    const result = await forceLeave(node, prune);
    switch (result.outcome) {
      case "unknown":
        return jsonError(c, 404, `no member named "${node}"`, "`satellite members` lists the names; a member already forgotten needs nothing more");
      case "self":
        return jsonError(c, 400, `"${node}" is the agent asked: a node cannot force itself out`, "run `satellite leave` on it to leave gracefully, or ask another member");
      case "done":
        return c.json({ node, prune, status: result.member?.status ?? "forgotten" }, 200);
      default:
        return assertNever(result, "force-leave outcome");
    }
  });
}
