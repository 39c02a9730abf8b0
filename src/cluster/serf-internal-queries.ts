import { describeError } from "../platform/errors.ts";
import type { Logger } from "../platform/logger.ts";
import type { MutableKeyring } from "../membership/wire/mutable-keyring.ts";
import type { IncomingSerfQuery, SerfQuerying } from "./serf-query-api.ts";
import { decodeKeyRequest, encodeConflictResponse, encodeKeyResponse, type ConflictMember, type NodeKeyResponse } from "./serf-query-wire.ts";

/** serf's internal queries: handled by the serf layer itself, never by user handlers. */
export const INTERNAL_QUERY_PREFIX = "_serf_";
export const KEY_QUERIES = { install: "_serf_install-key", use: "_serf_use-key", remove: "_serf_remove-key", list: "_serf_list-keys" } as const;
export type KeyOperation = keyof typeof KEY_QUERIES;

/** How a failed keyring file write is worded (serf's words), so the outcome can tell it from a refusal. */
const WRITE_FAILED = "Failed to write keyring file";

/** Room left in serf's 1024-byte response for the key list after the response's own fields. */
const RESPONSE_OVERHEAD_BYTES = 64;

export interface InternalQueryDeps {
  localName: string;
  /** The member we know by this name, for `_serf_conflict`. */
  member(name: string): ConflictMember | undefined;
  /** Absent: gossip is not encrypted, and key queries answer so. */
  keyring: MutableKeyring | undefined;
  /** Saves the keyring after a change (the keyring file); rejects with what went wrong. */
  persistKeyring(): Promise<void>;
  responseSizeLimitBytes: number;
  logger: Logger;
  /** Told of every install, use and remove this node answered (never the key). */
  onKeyringChange?(change: KeyringChange): void;
}

export interface KeyringChange {
  op: Exclude<KeyOperation, "list">;
  requester: string;
  outcome: "changed" | "refused" | "failed";
  reason?: string;
  keys: number;
}

/**
 * Answers `_serf_ping` (the ack is the answer), `_serf_conflict` and the four key queries the
 * way serf's internal_query.go does, with its nodeKeyResponse, so `serf keys` and `satellite
 * keys` rotate this node's keyring. Key material is never logged. Returns the remover.
 */
export function answerInternalQueries(querying: SerfQuerying, deps: InternalQueryDeps): () => void {
  // Serialised: two rotations at once must not interleave their file writes.
  let keyQueue: Promise<unknown> = Promise.resolve();
  const answerKeyQuery = (op: KeyOperation, q: IncomingSerfQuery): Promise<Uint8Array> => {
    const run = keyQueue
      .then(() => keyResponse(op, q, deps))
      .then((r) => {
        if (op !== "list") deps.onKeyringChange?.({ op, requester: q.sourceNode, outcome: r.result ? "changed" : r.message.startsWith(WRITE_FAILED) ? "failed" : "refused", ...(r.result ? {} : { reason: r.message }), keys: deps.keyring?.keys.length ?? 0 });
        return encodeList(r, deps);
      });
    keyQueue = run.catch(() => {});
    return run;
  };
  const removers = [
    querying.answerQuery(`${INTERNAL_QUERY_PREFIX}ping`, async () => undefined),
    querying.answerQuery(`${INTERNAL_QUERY_PREFIX}conflict`, async (q) => {
      const node = new TextDecoder().decode(q.payload);
      if (node === deps.localName) return undefined;
      return encodeConflictResponse(deps.member(node));
    }),
    ...(Object.keys(KEY_QUERIES) as KeyOperation[]).map((op) => querying.answerQuery(KEY_QUERIES[op], (q) => answerKeyQuery(op, q))),
  ];
  return () => removers.forEach((remove) => remove());
}

async function keyResponse(op: KeyOperation, q: IncomingSerfQuery, deps: InternalQueryDeps): Promise<NodeKeyResponse> {
  const fail = (message: string): NodeKeyResponse => ({ result: false, message, keys: [], primaryKey: "" });
  const { keyring, logger } = deps;
  if (!keyring) return fail(op === "list" ? "Keyring is empty (encryption not enabled)" : "No keyring to modify (encryption not enabled)");
  logger.info(`received ${KEY_QUERIES[op]} query`, { from: q.sourceNode });
  if (op === "list") {
    const keys = keyring.keys.map((k) => Buffer.from(k).toString("base64"));
    return { result: true, message: "", keys, primaryKey: keys[0] ?? "" };
  }
  let key: Uint8Array;
  try {
    key = decodeKeyRequest(q.payload);
  } catch (error) {
    logger.warn("a key query's request does not decode", { query: KEY_QUERIES[op], from: q.sourceNode, error: describeError(error) });
    return fail(`Failed to decode key request: ${describeError(error)}`);
  }
  const problem = op === "install" ? keyring.install(key) : op === "use" ? keyring.use(key) : keyring.remove(key);
  if (problem) {
    logger.warn(`${KEY_QUERIES[op]} refused`, { reason: problem });
    return fail(problem);
  }
  try {
    await deps.persistKeyring();
  } catch (error) {
    logger.error("the keyring changed but the keyring file could not be written; a restart would lose the change", { error: describeError(error) });
    const message = describeError(error);
    return fail(message.startsWith(WRITE_FAILED) ? message : `${WRITE_FAILED}: ${message}`);
  }
  return { result: true, message: "", keys: [], primaryKey: "" };
}

/** serf's keyListResponseWithCorrectSize: drop keys from the end until the answer fits, saying so. */
function encodeList(r: NodeKeyResponse, deps: InternalQueryDeps): Uint8Array {
  const budget = deps.responseSizeLimitBytes - RESPONSE_OVERHEAD_BYTES - Buffer.byteLength(deps.localName);
  const total = r.keys.length;
  let out = encodeKeyResponse(r);
  for (let shown = total - 1; out.length > budget && shown >= 0; shown--) {
    out = encodeKeyResponse({ ...r, keys: r.keys.slice(0, shown), message: `truncated key list response, showing first ${shown} of ${total} keys` });
  }
  return out;
}
