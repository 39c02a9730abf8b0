import { Hono } from "hono";
import { isValidNodeName, NODE_NAME_MAX_BYTES } from "../membership/member-claims.ts";
import { describeError, SatelliteError } from "../platform/errors.ts";
import type { ApiBindings } from "./api-deps.ts";
import { jsonBody, type Parsed } from "./json-body.ts";
import { jsonError } from "./json-error.ts";

/** The body of POST /exec (docs/api.md, docs/exec.md). */
export interface ExecApiRequest {
  argv: string[];
  /** Only members with exactly these tag values run it. */
  tags?: Record<string, string>;
  /** Only these members run it. */
  nodes?: string[];
  /** Each node applies the smaller of this and its own exec.timeout (default 10 s). */
  timeoutMs?: number;
}

/** One node's answer, as `satellite exec` prints it. */
export interface ExecNodeAnswer {
  node: string;
  outcome: "ran" | "refused" | "failed" | "no-answer" | "unverified";
  exitCode?: number | null;
  signal?: string;
  timedOut?: boolean;
  durationMs?: number;
  stdout: string;
  stderr: string;
  truncated: boolean;
  reason?: string;
}

export interface ExecAnswer {
  /** The request id every node recorded in its timeline. */
  id: string;
  results: ExecNodeAnswer[];
}

/** Remote exec as the API reaches it (agent/exec-setup.ts builds it over remote-exec/). */
export interface RemoteExecSource {
  /** Rejects with a SatelliteError: EXEC_REQUEST_INVALID (the caller's fault), anything else (this agent cannot send it). */
  run(request: { argv: string[]; tags?: Record<string, string>; nodes?: string[]; timeoutMs: number; caller: string }): Promise<ExecAnswer>;
}

export const EXEC_TIMEOUT_MS_DEFAULT = 10_000;
const TIMEOUT_MS_MIN = 100;
const TIMEOUT_MS_MAX = 600_000;
export const ARGV_WORDS_MAX = 32;
export const ARG_CHARS_MAX = 256;
const TAGS_MAX = 16;
const NODES_MAX = 64;
const KEYS: ReadonlySet<string> = new Set(["argv", "tags", "nodes", "timeoutMs"]);
const SHAPE = 'the body is {"argv": ["CMD", "ARG"...], "tags": {"KEY": "VALUE"}, "nodes": ["NAME"], "timeoutMs": 10000}';

/** Validates the body of POST /exec: bounded argv, tags, node names and timeout. */
export function parseExecRequest(value: unknown): Parsed<ExecApiRequest> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return { ok: false, error: `body must be a JSON object: ${SHAPE}` };
  const unknownKey = Object.keys(value).find((key) => !KEYS.has(key));
  if (unknownKey !== undefined) return { ok: false, error: `unknown key "${unknownKey.slice(0, 64)}": ${SHAPE}` };
  const { argv, tags, nodes, timeoutMs } = value as Record<string, unknown>;
  if (!Array.isArray(argv) || argv.length === 0 || argv.length > ARGV_WORDS_MAX || !argv.every((w) => typeof w === "string" && w.length <= ARG_CHARS_MAX && !/[\u0000-\u001f\u007f]/.test(w)) || argv[0] === "") {
    return { ok: false, error: `argv must be 1 to ${ARGV_WORDS_MAX} strings of at most ${ARG_CHARS_MAX} characters without control characters, the program first: ${SHAPE}` };
  }
  const request: ExecApiRequest = { argv: argv as string[] };
  if (tags !== undefined) {
    if (typeof tags !== "object" || tags === null || Array.isArray(tags)) return { ok: false, error: `tags must be an object of strings: ${SHAPE}` };
    const entries = Object.entries(tags);
    if (entries.length > TAGS_MAX || !entries.every(([k, v]) => k !== "" && k.length <= 128 && typeof v === "string" && v.length <= 512)) {
      return { ok: false, error: `tags must be at most ${TAGS_MAX} keys (1 to 128 characters) with string values of at most 512` };
    }
    request.tags = Object.fromEntries(entries) as Record<string, string>;
  }
  if (nodes !== undefined) {
    if (!Array.isArray(nodes) || nodes.length > NODES_MAX || !nodes.every((n) => typeof n === "string" && isValidNodeName(n))) {
      return { ok: false, error: `nodes must be at most ${NODES_MAX} member names (1 to ${NODE_NAME_MAX_BYTES} bytes, no control characters)`, hint: "`satellite members` lists the names" };
    }
    request.nodes = nodes as string[];
  }
  if (timeoutMs !== undefined) {
    if (typeof timeoutMs !== "number" || !Number.isInteger(timeoutMs) || timeoutMs < TIMEOUT_MS_MIN || timeoutMs > TIMEOUT_MS_MAX) {
      return { ok: false, error: `timeoutMs must be an integer from ${TIMEOUT_MS_MIN} to ${TIMEOUT_MS_MAX}` };
    }
    request.timeoutMs = timeoutMs;
  }
  return { ok: true, value: request };
}

/**
 * POST /exec (mutating: createApp's mutation guard decides who may call it). Sends the signed
 * request to the matching nodes and answers, once the query's time is up, with every node's
 * answer. The caller (its address, and whether it presented the token) is what every node
 * records as the requester beside this agent's name.
 */
export function execRoutes(source: RemoteExecSource | undefined, apiToken: string | undefined) {
  return new Hono<ApiBindings>().post("/exec", jsonBody(parseExecRequest), async (c) => {
    if (!source) return jsonError(c, 503, "remote exec is not available on this agent", "it needs gossip running");
    const body = c.req.valid("json");
    const caller = `api ${c.env?.remoteAddress ?? "unknown-address"} ${apiToken === undefined ? "loopback" : "token"}`;
    try {
      const answer = await source.run({ argv: body.argv, tags: body.tags, nodes: body.nodes, timeoutMs: body.timeoutMs ?? EXEC_TIMEOUT_MS_DEFAULT, caller });
      return c.json(answer, 200);
    } catch (error) {
      const hint = error instanceof SatelliteError ? error.hint : undefined;
      if (error instanceof SatelliteError && error.code === "EXEC_REQUEST_INVALID") return jsonError(c, 400, describeError(error), hint);
      return jsonError(c, 503, `remote exec could not be sent: ${describeError(error)}`, hint);
    }
  });
}
