import { Hono, type Context } from "hono";
import { KV_LIMITS, type KvBackend, type KvWriteResult } from "../kv/kv-backend.ts";
import { describeError, SatelliteError } from "../platform/errors.ts";
import type { ApiBindings } from "./api-deps.ts";
import { jsonError } from "./json-error.ts";
import { kvErrorStatus } from "./kv-error-status.ts";

/** One entry of GET /kv/?prefix=: the value as text when it is UTF-8, else base64. */
export interface KvListEntryJson {
  key: string;
  version: string;
  writtenAtMs?: number;
  value: string;
  encoding: "utf8" | "base64";
}

export interface KvWriteJson extends KvWriteResult {
  key: string;
}

const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

/** The key is the rest of the path after /kv/, percent-decoded; undefined when it does not decode. */
function keyOf(c: Context<ApiBindings>): string | undefined {
  const path = new URL(c.req.url).pathname;
  const raw = path.replace(/^\/kv\//, "");
  try {
    return decodeURIComponent(raw);
  } catch {
    return undefined;
  }
}

/** A backend's refusal as an answer, its status from its code (kv-error-status.ts). */
function kvError(c: Context<ApiBindings>, error: unknown) {
  const code = error instanceof SatelliteError ? error.code : "kv_failed";
  const hint = error instanceof SatelliteError ? error.hint : undefined;
  return c.json({ error: describeError(error), code, ...(hint ? { hint } : {}) }, kvErrorStatus(code));
}

const disabled = (c: Context<ApiBindings>) =>
  c.json({ error: "the key-value store is off on this agent", code: "kv_disabled", hint: "set kv.enabled: true in its config file, or ask another node" }, 503);

/**
 * The key-value store (docs/kv.md): GET/PUT/DELETE /kv/KEY and GET /kv/?prefix=. PUT's body is
 * the raw value (the body bound is the value limit). PUT and DELETE are mutating, so the
 * mutation guard in front of every route decides who may.
 */
export function kvRoutes(kv: KvBackend | undefined) {
  const list = async (c: Context<ApiBindings>) => {
    if (!kv) return disabled(c);
    const prefix = c.req.query("prefix") ?? "";
    const limitText = c.req.query("limit");
    const limit = limitText === undefined ? KV_LIMITS.listEntriesMax : Number(limitText);
    if (!Number.isSafeInteger(limit) || limit < 1 || limit > KV_LIMITS.listEntriesMax) {
      return jsonError(c, 400, `limit ${JSON.stringify(limitText)} is not a whole number from 1 to ${KV_LIMITS.listEntriesMax}`);
    }
    try {
      const result = await kv.list(prefix, limit);
      const entries: KvListEntryJson[] = result.entries.map((e) => {
        const text = utf8OrUndefined(e.value);
        return { key: e.key, version: e.version, writtenAtMs: e.writtenAtMs, value: text ?? Buffer.from(e.value).toString("base64"), encoding: text === undefined ? "base64" : "utf8" };
      });
      return c.json({ entries, truncated: result.truncated }, 200);
    } catch (error) {
      return kvError(c, error);
    }
  };
  const write = async (c: Context<ApiBindings>, run: (kv: KvBackend, key: string) => Promise<KvWriteResult>) => {
    if (!kv) return disabled(c);
    const key = keyOf(c);
    if (key === undefined) return jsonError(c, 400, "the key in the path is not valid percent-encoding", "encode the key with encodeURIComponent per level, e.g. /kv/app/my%20key");
    try {
      const result = await run(kv, key);
      const body: KvWriteJson = { key, ...result };
      return c.json(body, 200);
    } catch (error) {
      return kvError(c, error);
    }
  };
  return new Hono<ApiBindings>()
    .get("/kv", list)
    .get("/kv/", list)
    .get("/kv/*", async (c) => {
      if (!kv) return disabled(c);
      const key = keyOf(c);
      if (key === undefined) return jsonError(c, 400, "the key in the path is not valid percent-encoding", "encode the key with encodeURIComponent per level, e.g. /kv/app/my%20key");
      try {
        const entry = await kv.get(key);
        if (!entry) return c.json({ error: `no key ${JSON.stringify(key)}`, code: "kv_not_found", hint: "`satellite kv list` shows the keys" }, 404);
        const headers: Record<string, string> = { "content-type": "application/octet-stream", "x-satellite-kv-version": entry.version };
        if (entry.writtenAtMs !== undefined) headers["x-satellite-kv-written-at"] = String(entry.writtenAtMs);
        return c.body(entry.value as Uint8Array<ArrayBuffer>, 200, headers);
      } catch (error) {
        return kvError(c, error);
      }
    })
    .put("/kv/*", (c) => write(c, async (backend, key) => backend.put(key, new Uint8Array(await c.req.arrayBuffer()))))
    .delete("/kv/*", (c) => write(c, (backend, key) => backend.delete(key)));
}

function utf8OrUndefined(bytes: Uint8Array): string | undefined {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return undefined;
  }
}
