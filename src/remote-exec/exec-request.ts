import { isValidNodeName, NODE_NAME_MAX_BYTES } from "../membership/member-claims.ts";
import { type ExecKey, type ExecKeySource, MAC_BYTES, macOf, sameMac, sourceOfId } from "./exec-keys.ts";

/**
 * A remote exec request as it travels in a serf query's payload (docs/exec.md, "Wire"):
 *   [u8 version=1][u16 body length][body: UTF-8 JSON][u8 n][n x (u8 key source, 32-byte HMAC-SHA256)]
 * Each MAC covers "req" + version + length + body, one per secret the requester has (gossip
 * key, API token), so a node with either one verifies it. Everything is bounded and checked
 * before use: the bytes come from the network.
 */
export interface ExecRequest {
  /** 32 hex characters, fresh per request: the replay guard remembers it. */
  id: string;
  /** When the requester signed it, Unix ms; outside the node's window it is refused. */
  issuedAtMs: number;
  /** The agent that sent the query. */
  origin: string;
  /** Who asked that agent: its API caller (`api 10.0.0.9 token`, `api 127.0.0.1 loopback`). */
  caller: string;
  argv: string[];
  /** The requester's timeout; a node applies the smaller of it and its own. */
  timeoutMs: number;
}

const VERSION = 1;
/** serf refuses a query over 1024 bytes in all (name, filters and header included): the payload stays well under. */
export const EXEC_REQUEST_BYTES_MAX = 768;
export const EXEC_ARGV_WORDS_MAX = 32;
export const EXEC_ARG_CHARS_MAX = 256;
/** Characters of the caller's description. */
export const EXEC_NAME_CHARS_MAX = 128;
export const EXEC_TIMEOUT_MS_MAX = 600_000;
const ID_PATTERN = /^[0-9a-f]{32}$/;
const KEYS = ["id", "issuedAtMs", "origin", "caller", "argv", "timeoutMs"];

export type DecodeFailure = { ok: false; reason: "malformed" | "oversize"; message: string };

/** Why a request's fields are not acceptable, or undefined: shared by the encoder (caller errors) and the decoder (hostile input). */
export function requestProblem(request: ExecRequest): string | undefined {
  if (!ID_PATTERN.test(request.id)) return "id must be 32 lowercase hex characters";
  if (!Number.isSafeInteger(request.issuedAtMs) || request.issuedAtMs < 0) return "issuedAtMs must be a non-negative integer";
  if (typeof request.origin !== "string" || !isValidNodeName(request.origin)) return `origin must be a member name (1 to ${NODE_NAME_MAX_BYTES} bytes without control characters)`;
  if (!isName(request.caller)) return `caller must be 1 to ${EXEC_NAME_CHARS_MAX} characters without control characters`;
  if (!Array.isArray(request.argv) || request.argv.length === 0 || request.argv.length > EXEC_ARGV_WORDS_MAX) return `argv must have 1 to ${EXEC_ARGV_WORDS_MAX} words`;
  for (const word of request.argv) {
    if (typeof word !== "string" || word.length > EXEC_ARG_CHARS_MAX || hasControl(word)) return `every argv word is a string of at most ${EXEC_ARG_CHARS_MAX} characters without control characters`;
  }
  if (request.argv[0] === "") return "argv[0] names the program: it cannot be empty";
  if (!Number.isSafeInteger(request.timeoutMs) || request.timeoutMs < 1 || request.timeoutMs > EXEC_TIMEOUT_MS_MAX) return `timeoutMs must be an integer from 1 to ${EXEC_TIMEOUT_MS_MAX}`;
  return undefined;
}

/** Encodes and signs with every key; throws when the request is invalid or too large for a query. */
export function encodeExecRequest(request: ExecRequest, keys: readonly ExecKey[]): Uint8Array {
  const problem = requestProblem(request);
  if (problem) throw new RangeError(`remote exec request: ${problem}`);
  if (keys.length === 0) throw new RangeError("remote exec request: no key to sign with");
  const body = Buffer.from(JSON.stringify({ id: request.id, issuedAtMs: request.issuedAtMs, origin: request.origin, caller: request.caller, argv: request.argv, timeoutMs: request.timeoutMs }), "utf8");
  const head = Buffer.alloc(3);
  head.writeUInt8(VERSION, 0);
  head.writeUInt16BE(body.length, 1);
  const signed = Buffer.concat([head, body]);
  const macs = keys.map((key) => Buffer.concat([Buffer.of(key.sourceId), macOf(key, "req", signed)]));
  const out = Buffer.concat([signed, Buffer.of(keys.length), ...macs]);
  if (out.length > EXEC_REQUEST_BYTES_MAX) {
    throw new RangeError(`remote exec request is ${out.length} bytes, over the ${EXEC_REQUEST_BYTES_MAX} a query carries: use fewer or shorter arguments`);
  }
  return out;
}

export type VerifiedRequest =
  | { ok: true; request: ExecRequest; key: ExecKey }
  | DecodeFailure
  | { ok: false; reason: "bad-signature"; message: string; request: ExecRequest };

/**
 * Decodes and checks the signature against every key the node accepts. A request that decodes
 * but whose signature does not verify is returned with the reason (its fields are unproven and
 * must be shown as such).
 */
export function verifyExecRequest(bytes: Uint8Array, keys: readonly ExecKey[]): VerifiedRequest {
  if (bytes.length > EXEC_REQUEST_BYTES_MAX) return { ok: false, reason: "oversize", message: `request is ${bytes.length} bytes, over ${EXEC_REQUEST_BYTES_MAX}` };
  const data = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  if (data.length < 4) return malformed("shorter than its header");
  if (data.readUInt8(0) !== VERSION) return malformed(`version ${data.readUInt8(0)} is not ${VERSION}`);
  const bodyLength = data.readUInt16BE(1);
  const macCount = data[3 + bodyLength];
  if (macCount === undefined) return malformed("body length past the end");
  if (macCount < 1 || macCount > 2 || data.length !== 4 + bodyLength + macCount * (1 + MAC_BYTES)) return malformed("signature section has the wrong length");
  const signed = data.subarray(0, 3 + bodyLength);
  const request = parseBody(data.subarray(3, 3 + bodyLength));
  if (typeof request === "string") return malformed(request);
  for (let i = 0; i < macCount; i++) {
    const at = 4 + bodyLength + i * (1 + MAC_BYTES);
    const source = sourceOfId(data.readUInt8(at));
    const mac = data.subarray(at + 1, at + 1 + MAC_BYTES);
    for (const key of keys) {
      if (key.source === source && sameMac(macOf(key, "req", signed), mac)) return { ok: true, request, key };
    }
  }
  const sources = Array.from({ length: macCount }, (_, i) => sourceOfId(data.readUInt8(4 + bodyLength + i * (1 + MAC_BYTES))) ?? "unknown");
  return { ok: false, reason: "bad-signature", request, message: `signed with ${describeSources(sources)}, none of which matches this node's ${describeSources(keys.map((k) => k.source))}` };
}

function describeSources(sources: readonly (ExecKeySource | "unknown")[]): string {
  const unique = [...new Set(sources)];
  return unique.length === 0 ? "keys (none)" : unique.join(" and ");
}

function parseBody(body: Buffer): ExecRequest | string {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(body));
  } catch {
    return "body is not UTF-8 JSON";
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return "body is not a JSON object";
  const keys = Object.keys(value);
  if (keys.length !== KEYS.length || !keys.every((k) => KEYS.includes(k))) return `body has keys ${keys.slice(0, 8).join(",").slice(0, 80)}; expected ${KEYS.join(",")}`;
  const request = value as ExecRequest;
  return requestProblem(request) ?? request;
}

function malformed(message: string): DecodeFailure {
  return { ok: false, reason: "malformed", message };
}

function isName(text: unknown): text is string {
  return typeof text === "string" && text.length >= 1 && text.length <= EXEC_NAME_CHARS_MAX && !hasControl(text);
}

function hasControl(text: string): boolean {
  return /[\u0000-\u001f\u007f]/.test(text);
}
