import { type ExecKey, MAC_BYTES, macOf, sameMac, sourceOfId } from "./exec-keys.ts";

/**
 * A node's answer to an exec request, as a serf query response (docs/exec.md, "Wire"):
 *   [u8 version=1][u16 body length][body: UTF-8 JSON][u8 n][n x (u8 key source, 32-byte HMAC)]
 * n is 1 when the node verified the request (the MAC, over "reply" + request id + version,
 * length and body, uses the key that verified it) and 0 when it could not (a refusal: no key,
 * a bad signature). The whole answer must fit serf's response limit, so the output is cut to
 * fit: the first bytes are kept and `truncated` says so.
 */
export interface ExecReply {
  /** The request's id. */
  id: string;
  /** The node that answered (signed, unlike serf's `from`). */
  node: string;
  outcome: "ran" | "refused" | "failed";
  /** ran: the exit code, null when the process was ended by a signal. */
  exitCode?: number | null;
  signal?: string;
  /** ran: the node's timeout ended it (its process tree was killed). */
  timedOut?: boolean;
  durationMs: number;
  stdout: string;
  stderr: string;
  /** Output was cut: by the node's outputBytesMax or to fit the response. */
  truncated: boolean;
  /** refused or failed: why, in words. */
  reason?: string;
}

const VERSION = 1;
/** serf's default response limit is 1024 bytes, its own header and the node name included: this leaves room for both. */
export const EXEC_REPLY_BYTES_MAX = 800;
const REASON_CHARS_MAX = 300;
const OUTCOMES: ReadonlySet<string> = new Set(["ran", "refused", "failed"]);

/** Encodes the reply within `bytesMax`, cutting stdout first, then stderr; signs it when `key` is given. */
export function encodeExecReply(reply: ExecReply, key: ExecKey | undefined, bytesMax = EXEC_REPLY_BYTES_MAX): Uint8Array {
  const base = { ...reply, reason: reply.reason?.slice(0, REASON_CHARS_MAX), stdout: "", stderr: "" };
  const overhead = encode({ ...base, truncated: false }, key).length;
  let budget = bytesMax - overhead;
  if (budget < 0) throw new RangeError(`remote exec reply needs ${overhead} bytes without output, over the ${bytesMax}-byte limit`);
  const stdout = fitJson(reply.stdout, budget);
  budget -= jsonBytes(stdout);
  const stderr = fitJson(reply.stderr, budget);
  const truncated = reply.truncated || stdout.length < reply.stdout.length || stderr.length < reply.stderr.length;
  return encode({ ...base, stdout, stderr, truncated }, key);
}

function encode(reply: ExecReply, key: ExecKey | undefined): Buffer {
  const body = Buffer.from(JSON.stringify(reply), "utf8");
  const head = Buffer.alloc(3);
  head.writeUInt8(VERSION, 0);
  head.writeUInt16BE(body.length, 1);
  const signed = Buffer.concat([head, body]);
  if (!key) return Buffer.concat([signed, Buffer.of(0)]);
  return Buffer.concat([signed, Buffer.of(1, key.sourceId), macOf(key, "reply", reply.id, signed)]);
}

/** Bytes of `text` inside a JSON string (escapes included, quotes not). */
function jsonBytes(text: string): number {
  return Buffer.byteLength(JSON.stringify(text), "utf8") - 2;
}

/** The longest prefix of `text` whose JSON form fits `bytesMax` (never splitting a surrogate pair). */
function fitJson(text: string, bytesMax: number): string {
  if (jsonBytes(text) <= bytesMax) return text;
  let low = 0;
  let high = text.length;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (jsonBytes(text.slice(0, mid)) <= bytesMax) low = mid;
    else high = mid - 1;
  }
  const code = text.charCodeAt(low - 1);
  return text.slice(0, code >= 0xd800 && code <= 0xdbff ? low - 1 : low);
}

export type DecodedReply = { ok: true; reply: ExecReply; verified: boolean } | { ok: false; message: string };

/**
 * Decodes a response to the request `requestId`; `verified` is true only when its MAC checks
 * with one of `keys`. An unverified answer may be anyone's: callers must not show it as output.
 */
export function decodeExecReply(bytes: Uint8Array, keys: readonly ExecKey[], requestId: string): DecodedReply {
  if (bytes.length > 64 * 1024) return { ok: false, message: `answer of ${bytes.length} bytes is too large` };
  const data = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  if (data.length < 4 || data.readUInt8(0) !== VERSION) return { ok: false, message: "answer is not a remote exec reply (version or header)" };
  const bodyLength = data.readUInt16BE(1);
  const macCount = data[3 + bodyLength];
  if (macCount === undefined || macCount > 1 || data.length !== 4 + bodyLength + macCount * (1 + MAC_BYTES)) return { ok: false, message: "answer has the wrong length" };
  const signed = data.subarray(0, 3 + bodyLength);
  const reply = parseReply(data.subarray(3, 3 + bodyLength));
  if (typeof reply === "string") return { ok: false, message: reply };
  if (reply.id !== requestId) return { ok: false, message: "answer is for another request" };
  let verified = false;
  if (macCount === 1) {
    const source = sourceOfId(data.readUInt8(4 + bodyLength));
    const mac = data.subarray(5 + bodyLength);
    verified = keys.some((key) => key.source === source && sameMac(macOf(key, "reply", requestId, signed), mac));
  }
  return { ok: true, reply, verified };
}

function parseReply(body: Buffer): ExecReply | string {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(body));
  } catch {
    return "answer body is not UTF-8 JSON";
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return "answer body is not a JSON object";
  const r = value as Record<string, unknown>;
  const ok =
    typeof r.id === "string" &&
    typeof r.node === "string" &&
    r.node.length <= 256 &&
    typeof r.outcome === "string" &&
    OUTCOMES.has(r.outcome) &&
    (r.exitCode === undefined || r.exitCode === null || (Number.isSafeInteger(r.exitCode) && Math.abs(r.exitCode as number) < 1 << 16)) &&
    (r.signal === undefined || (typeof r.signal === "string" && r.signal.length <= 32)) &&
    (r.timedOut === undefined || typeof r.timedOut === "boolean") &&
    typeof r.durationMs === "number" &&
    Number.isFinite(r.durationMs) &&
    r.durationMs >= 0 &&
    typeof r.stdout === "string" &&
    typeof r.stderr === "string" &&
    typeof r.truncated === "boolean" &&
    (r.reason === undefined || (typeof r.reason === "string" && r.reason.length <= REASON_CHARS_MAX));
  if (!ok) return "answer body does not have the reply's fields";
  return {
    id: r.id as string,
    node: r.node as string,
    outcome: r.outcome as ExecReply["outcome"],
    exitCode: r.exitCode as number | null | undefined,
    signal: r.signal as string | undefined,
    timedOut: r.timedOut as boolean | undefined,
    durationMs: r.durationMs as number,
    stdout: r.stdout as string,
    stderr: r.stderr as string,
    truncated: r.truncated as boolean,
    reason: r.reason as string | undefined,
  };
}
