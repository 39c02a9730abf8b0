import { Hono } from "hono";
import type { KeyOperationResult } from "../cluster/serf-key-manager.ts";
import type { KeyOperation } from "../cluster/serf-internal-queries.ts";
import type { SerfQuerying, SerfQueryParams } from "../cluster/serf-query-api.ts";
import { isValidNodeName } from "../membership/member-claims.ts";
import { SatelliteError } from "../platform/errors.ts";
import type { ApiBindings } from "./api-deps.ts";
import { jsonBody, type Parsed } from "./json-body.ts";
import { jsonError } from "./json-error.ts";
import { secretReadGuard } from "./mutation-guard.ts";

/** serf queries and key rotation as the agent offers them to the API. */
export interface SerfQueriesSource {
  querying: SerfQuerying;
  /** serf's KeyManager over the cluster; rejects (SatelliteError) on a malformed key. */
  keys(op: KeyOperation, keyBase64?: string): Promise<KeyOperationResult>;
}

export interface QueryRequest {
  name: string;
  /** Sent as UTF-8 bytes, as `serf query NAME PAYLOAD` does. */
  payload: string;
  nodes: string[];
  tags: Record<string, string>;
  timeoutMs?: number;
  ack: boolean;
  relayFactor: number;
}

const QUERY_SHAPE = '{"name": "NAME", "payload": "TEXT", "nodes": ["NODE"], "tags": {"KEY": "REGEXP"}, "timeoutMs": 5000, "ack": true, "relayFactor": 0}';
const QUERY_KEYS = new Set(["name", "payload", "nodes", "tags", "timeoutMs", "ack", "relayFactor"]);
const FILTER_ENTRIES_MAX = 32;

export function parseQueryRequest(value: unknown): Parsed<QueryRequest> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return { ok: false, error: `body must be a JSON object: ${QUERY_SHAPE}` };
  const extra = Object.keys(value).find((k) => !QUERY_KEYS.has(k));
  if (extra !== undefined) return { ok: false, error: `unknown key "${extra.slice(0, 64)}": ${QUERY_SHAPE}` };
  const v = value as Record<string, unknown>;
  if (typeof v.name !== "string" || v.name === "") return { ok: false, error: `name must be a non-empty string: ${QUERY_SHAPE}` };
  if (v.payload !== undefined && typeof v.payload !== "string") return { ok: false, error: "payload must be a string" };
  // serf's agent refuses its internal names too (only a bare _serf_ping, which serf reachability sends).
  if (v.name.startsWith("_serf_") && !(v.name === "_serf_ping" && (v.payload ?? "") === "")) {
    return { ok: false, error: `queries cannot be named with the _serf_ prefix (serf's internal queries) except _serf_ping without a payload`, hint: "use `satellite keys` for key rotation" };
  }
  const nodes = v.nodes ?? [];
  if (!Array.isArray(nodes) || nodes.length > FILTER_ENTRIES_MAX * 16 || !nodes.every((n) => typeof n === "string" && isValidNodeName(n))) {
    return { ok: false, error: "nodes must be a list of member names", hint: "`satellite members` lists the names" };
  }
  const tags = v.tags ?? {};
  if (typeof tags !== "object" || tags === null || Array.isArray(tags) || Object.keys(tags).length > FILTER_ENTRIES_MAX || !Object.values(tags).every((t) => typeof t === "string")) {
    return { ok: false, error: `tags must be an object of tag name to regular expression, at most ${FILTER_ENTRIES_MAX}` };
  }
  if (v.timeoutMs !== undefined && (typeof v.timeoutMs !== "number" || !Number.isInteger(v.timeoutMs) || v.timeoutMs <= 0)) return { ok: false, error: "timeoutMs must be a positive integer" };
  if (v.ack !== undefined && typeof v.ack !== "boolean") return { ok: false, error: "ack must be true or false" };
  if (v.relayFactor !== undefined && (typeof v.relayFactor !== "number" || !Number.isInteger(v.relayFactor))) return { ok: false, error: "relayFactor must be an integer from 0 to 5" };
  return {
    ok: true,
    value: { name: v.name, payload: (v.payload as string | undefined) ?? "", nodes: nodes as string[], tags: tags as Record<string, string>, timeoutMs: v.timeoutMs as number | undefined, ack: v.ack !== false, relayFactor: (v.relayFactor as number | undefined) ?? 0 },
  };
}

const KEY_SHAPE = '{"key": "BASE64 KEY"}';

export function parseKeyRequest(value: unknown): Parsed<{ key: string }> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return { ok: false, error: `body must be a JSON object: ${KEY_SHAPE}` };
  const extra = Object.keys(value).find((k) => k !== "key");
  if (extra !== undefined) return { ok: false, error: `unknown key "${extra.slice(0, 64)}": ${KEY_SHAPE}` };
  const { key } = value as { key?: unknown };
  if (typeof key !== "string" || key.length > 64) return { ok: false, error: `key must be a base64 key of 16, 24 or 32 bytes: ${KEY_SHAPE}`, hint: "make one with `satellite keygen`" };
  return { ok: true, value: { key } };
}

const text = new TextDecoder();

/**
 * POST /query (serf query), GET /keys (serf keys -list: it shows the keys, so it needs what a
 * mutation needs) and POST /keys/install|use|remove. Keys are never echoed back.
 */
export function serfQueryRoutes(source: SerfQueriesSource | undefined, apiToken: string | undefined) {
  const unavailable = "gossip is not running on this agent";
  const keyBody = jsonBody(parseKeyRequest);
  const runKeys = async (op: KeyOperation, key?: string) => {
    if (!source) return { status: 503 as const, error: unavailable };
    try {
      return { status: 200 as const, result: await source.keys(op, key) };
    } catch (error) {
      if (error instanceof SatelliteError) return { status: 400 as const, error: error.message, hint: error.hint };
      throw error;
    }
  };
  return new Hono<ApiBindings>()
    .post("/query", jsonBody(parseQueryRequest), async (c) => {
      if (!source) return jsonError(c, 503, unavailable);
      const req = c.req.valid("json");
      const params: SerfQueryParams = { name: req.name, payload: new TextEncoder().encode(req.payload), filterNodes: req.nodes, filterTags: req.tags, timeoutMs: req.timeoutMs, requestAck: req.ack, relayFactor: req.relayFactor };
      try {
        const result = await source.querying.query(params);
        return c.json({ acks: req.ack ? result.acks : undefined, responses: result.responses.map((r) => ({ from: r.from, payload: text.decode(r.payload) })) }, 200);
      } catch (error) {
        if (error instanceof SatelliteError) return jsonError(c, error.code === "query_busy" ? 503 : 400, error.message, error.hint);
        throw error;
      }
    })
    .get("/keys", secretReadGuard(apiToken), async (c) => {
      const r = await runKeys("list");
      if (r.status !== 200) return jsonError(c, r.status, r.error, r.hint);
      return c.json(r.result, 200);
    })
    .post("/keys/install", keyBody, async (c) => {
      const r = await runKeys("install", c.req.valid("json").key);
      if (r.status !== 200) return jsonError(c, r.status, r.error, r.hint);
      return c.json(r.result, 200);
    })
    .post("/keys/use", keyBody, async (c) => {
      const r = await runKeys("use", c.req.valid("json").key);
      if (r.status !== 200) return jsonError(c, r.status, r.error, r.hint);
      return c.json(r.result, 200);
    })
    .post("/keys/remove", keyBody, async (c) => {
      const r = await runKeys("remove", c.req.valid("json").key);
      if (r.status !== 200) return jsonError(c, r.status, r.error, r.hint);
      return c.json(r.result, 200);
    });
}
