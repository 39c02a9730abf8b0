import type { SerfQuerying, SerfQueryResponse } from "../cluster/serf-query-api.ts";
import type { Clock } from "../platform/clock.ts";
import { SatelliteError } from "../platform/errors.ts";
import type { SecureRandomBytes } from "../platform/secure-random.ts";
import { type ExecSecrets, signingKeys, verifyingKeys } from "./exec-keys.ts";
import { decodeExecReply } from "./exec-reply.ts";
import { encodeExecRequest } from "./exec-request.ts";
import { EXEC_QUERY_NAME } from "./exec-responder.ts";

export interface RemoteExecRequest {
  argv: string[];
  /** Only members with these tags answer (serf's tag filter: each value a regular expression). */
  tags?: Record<string, string>;
  /** Only these members answer. */
  nodes?: string[];
  /** Each node applies the smaller of this and its own exec.timeout. */
  timeoutMs: number;
  /** Who asked this agent (recorded by every node that answers). */
  caller: string;
}

/**
 * One node's answer. `no-answer`: the node acknowledged the query but its answer did not come
 * within the timeout; `unverified`: an answer that is not signed with a key of this cluster
 * (its output is not shown: anyone could have sent it).
 */
export interface RemoteExecNodeResult {
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

export interface RemoteExecResult {
  id: string;
  results: RemoteExecNodeResult[];
}

export interface ExecClientOptions {
  nodeName: string;
  /** Undefined while gossip cannot send queries. */
  querying: () => SerfQuerying | undefined;
  secrets: () => ExecSecrets;
  clock: Clock;
  randomBytes: SecureRandomBytes;
  /**
   * How many alive members match the filters, as this node sees them: the query ends once that
   * many answered instead of at its timeout. Absent: it always waits for the timeout.
   */
  membersMatching?: (filters: { tags?: Record<string, string>; nodes?: string[] }) => number;
}

/** The query waits this long past the exec timeout, for the answers to travel back. */
export const EXEC_QUERY_MARGIN_MS = 2_000;
/** Distinct answering nodes kept; serf bounds responses too, this bounds what one request holds. */
const RESULTS_MAX = 10_000;

/** Sends signed exec requests as serf queries and collects each node's verified answer (docs/exec.md). */
export function createExecClient(options: ExecClientOptions): { run(request: RemoteExecRequest, onResult?: (result: RemoteExecNodeResult) => void): Promise<RemoteExecResult> } {
  return {
    async run(request, onResult) {
      const querying = options.querying();
      if (!querying) throw new SatelliteError("EXEC_NO_GOSSIP", "remote exec needs gossip queries, which are not running on this agent", { hint: "start the agent with gossip (the default) and try again" });
      const secrets = options.secrets();
      const keys = signingKeys(secrets);
      if (keys.length === 0) {
        throw new SatelliteError("EXEC_NO_KEY", "this agent has neither a gossip key nor an API token to sign exec requests with", { hint: "start the agents with --encrypt-file (the gossip key) or --api-token-file (the same token on every node)" });
      }
      const id = Buffer.from(options.randomBytes(16)).toString("hex");
      let payload: Uint8Array;
      try {
        payload = encodeExecRequest({ id, issuedAtMs: Math.floor(options.clock.nowMs()), origin: options.nodeName, caller: request.caller, argv: request.argv, timeoutMs: request.timeoutMs }, keys);
      } catch (error) {
        throw new SatelliteError("EXEC_REQUEST_INVALID", (error as Error).message, { hint: "see docs/exec.md for the limits of a request", cause: error });
      }
      const verifiers = verifyingKeys(secrets);
      const expected = options.membersMatching?.({ tags: request.tags, nodes: request.nodes });
      const results = new Map<string, RemoteExecNodeResult>();
      const take = (response: SerfQueryResponse): void => {
        if (results.has(response.from) || results.size >= RESULTS_MAX) return;
        const result = readAnswer(response, verifiers, id);
        results.set(response.from, result);
        onResult?.(result);
      };
      const answered = await querying.query(
        {
          name: EXEC_QUERY_NAME,
          payload,
          filterTags: exactTags(request.tags),
          filterNodes: request.nodes,
          timeoutMs: request.timeoutMs + EXEC_QUERY_MARGIN_MS,
          requestAck: true,
          responsesWanted: expected !== undefined && expected > 0 ? expected : undefined,
        },
        take,
      );
      for (const response of answered.responses) take(response);
      for (const node of answered.acks) {
        if (results.has(node) || results.size >= RESULTS_MAX) continue;
        const silent: RemoteExecNodeResult = { node, outcome: "no-answer", stdout: "", stderr: "", truncated: false, reason: "acknowledged the request but sent no answer before the timeout" };
        results.set(node, silent);
        onResult?.(silent);
      }
      return { id, results: [...results.values()].sort((a, b) => (a.node < b.node ? -1 : a.node > b.node ? 1 : 0)) };
    },
  };
}

/** serf's tag filter takes regular expressions; `--tag role=master` means that value exactly. */
export function exactTags(tags: Readonly<Record<string, string>> | undefined): Record<string, string> | undefined {
  if (!tags) return undefined;
  return Object.fromEntries(Object.entries(tags).map(([key, value]) => [key, `^${value.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`]));
}

function readAnswer(response: SerfQueryResponse, verifiers: Parameters<typeof decodeExecReply>[1], id: string): RemoteExecNodeResult {
  const node = response.from;
  const decoded = decodeExecReply(response.payload, verifiers, id);
  if (!decoded.ok) return { node, outcome: "unverified", stdout: "", stderr: "", truncated: false, reason: `answer could not be read: ${decoded.message}` };
  const { reply, verified } = decoded;
  if (!verified) {
    // A refusal may be unsigned (the node could not verify the request); anything else must be signed.
    if (reply.outcome === "refused") return { node, outcome: "refused", stdout: "", stderr: "", truncated: false, reason: `${reply.reason ?? "refused"} (unsigned answer)` };
    return { node, outcome: "unverified", stdout: "", stderr: "", truncated: false, reason: "answer is not signed with a key of this cluster: its output is not shown" };
  }
  return { node, outcome: reply.outcome, exitCode: reply.exitCode, signal: reply.signal, timedOut: reply.timedOut, durationMs: reply.durationMs, stdout: reply.stdout, stderr: reply.stderr, truncated: reply.truncated, reason: reply.reason };
}
