import { parseKeyBase64 } from "../membership/wire/keyring.ts";
import { describeError } from "../platform/errors.ts";
import { KEY_QUERIES, type KeyOperation } from "./serf-internal-queries.ts";
import type { SerfQuerying } from "./serf-query-api.ts";
import { decodeKeyResponse, encodeKeyRequest } from "./serf-query-wire.ts";

/** What the cluster answered to one key operation (serf's KeyResponse). */
export interface KeyOperationResult {
  /** Members memberlist knows (alive and suspect) when the query went out. */
  numNodes: number;
  numResp: number;
  numErr: number;
  /** Per member: its error, or a warning it gave with success. */
  messages: Record<string, string>;
  /** list: base64 key -> how many members hold it. */
  keys: Record<string, number>;
  /** list: base64 key -> how many members use it as primary. */
  primaryKeys: Record<string, number>;
  /** Why the operation did not succeed everywhere (serf's words), or undefined. */
  error?: string;
}

/** A member's message, as we show it: bounded and without control characters. */
const MESSAGE_CHARS_MAX = 256;
/** A base64 key is 24, 32 or 44 characters; anything else in a list answer is not a key. */
const KEY_TEXT = /^[A-Za-z0-9+/]{22,44}={0,2}$/;

/**
 * serf's KeyManager: sends the key query to the whole cluster with the default timeout and
 * aggregates the nodeKeyResponses, stopping once every member answered. `keyBase64` is
 * checked before anything is sent (absent for list). Key material is never logged here.
 */
export async function runKeyOperation(querying: SerfQuerying, numMembers: () => number, op: KeyOperation, keyBase64?: string): Promise<KeyOperationResult> {
  const key = op === "list" ? new Uint8Array() : parseKeyBase64(keyBase64 ?? "", "key");
  const numNodes = numMembers();
  const result: KeyOperationResult = { numNodes, numResp: 0, numErr: 0, messages: {}, keys: {}, primaryKeys: {} };
  const { responses } = await querying.query({ name: KEY_QUERIES[op], payload: encodeKeyRequest(key), responsesWanted: numNodes });
  for (const r of responses) {
    result.numResp++;
    let answer;
    try {
      answer = decodeKeyResponse(r.payload);
    } catch (error) {
      result.messages[r.from] = clean(`Failed to decode key query response: ${describeError(error)}`);
      result.numErr++;
      continue;
    }
    if (!answer.result) {
      result.messages[r.from] = clean(answer.message);
      result.numErr++;
    } else if (answer.message !== "") {
      result.messages[r.from] = clean(answer.message);
    }
    for (const k of answer.keys) if (KEY_TEXT.test(k)) result.keys[k] = (result.keys[k] ?? 0) + 1;
    if (op === "list" && answer.result && KEY_TEXT.test(answer.primaryKey)) result.primaryKeys[answer.primaryKey] = (result.primaryKeys[answer.primaryKey] ?? 0) + 1;
  }
  if (result.numErr !== 0) result.error = `${result.numErr}/${numNodes} nodes reported failure`;
  else if (result.numResp !== numNodes) result.error = `${result.numResp}/${numNodes} nodes reported success`;
  return result;
}

function clean(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f]/g, " ").slice(0, MESSAGE_CHARS_MAX);
}
