import type { IncomingSerfQuery } from "../cluster/serf-query-api.ts";
import type { ExecRanEvent } from "../events/agent-event.ts";
import type { Clock } from "../platform/clock.ts";
import { describeError } from "../platform/errors.ts";
import type { Exec, ExecResult } from "../platform/exec.ts";
import type { Logger } from "../platform/logger.ts";
import { createRateLimitedLog, REPEATED_LOG_INTERVAL_MS } from "../platform/rate-limited-log.ts";
import { createExecAllowlist } from "./exec-allowlist.ts";
import { type ExecKey, type ExecSecrets, verifyingKeys } from "./exec-keys.ts";
import { createReplayGuard } from "./exec-replay-guard.ts";
import { EXEC_REPLY_BYTES_MAX, encodeExecReply, type ExecReply } from "./exec-reply.ts";
import { type ExecRequest, verifyExecRequest } from "./exec-request.ts";

/** The serf query name remote exec travels under. */
export const EXEC_QUERY_NAME = "satellite-exec";

/** A node's exec settings (the `exec` key of the configuration). */
export interface ExecSettings {
  enabled: boolean;
  allow: readonly string[];
  /** The longest a command runs here; a request may ask for less. */
  timeoutMs: number;
  /** Bytes of stdout and of stderr read from a command; the answer carries what fits serf's response limit. */
  outputBytesMax: number;
}

export interface ExecResponderOptions {
  nodeName: string;
  settings: ExecSettings;
  /** Read per request, so a rotated keyring applies at once. */
  secrets: () => ExecSecrets;
  exec: Exec;
  clock: Clock;
  publish: (event: ExecRanEvent) => void;
  logger: Logger;
  /** The largest answer serf carries (its response limit less its own header). */
  replyBytesMax?: number;
  /** Commands running at once; a request beyond it is refused as busy. */
  runningMax?: number;
  /** Refusals of requests whose signature did not verify that reach the timeline per minute; the rest are logged only. */
  unverifiedRecordsPerMinute?: number;
}

/** The environment a command gets: nothing of the agent's (no secrets, no proxy settings), a fixed PATH. */
export const EXEC_ENVIRONMENT: Readonly<Record<string, string>> = { PATH: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", LANG: "C", HOME: "/" };
const RUNNING_MAX = 4;
const UNVERIFIED_RECORDS_PER_MINUTE = 10;

type Refusal = { reason: string; key: ExecKey | undefined; request: ExecRequest | undefined; verified: boolean };

/**
 * Answers remote exec queries (docs/exec.md). Contract: nothing runs unless this node enabled
 * exec, the request verifies with one of its keys, it is fresh and not seen before, and its
 * argv is allowed; the command runs without a shell, in a fixed environment, and its process
 * tree is killed at the timeout. Every request is answered and recorded as ExecRan; refusals of
 * requests that do not verify (anyone can send those) reach the timeline at a bounded rate.
 */
export function createExecResponder(options: ExecResponderOptions): { answer(query: IncomingSerfQuery): Promise<Uint8Array | undefined> } {
  const { clock, settings } = options;
  const allowlist = createExecAllowlist(settings.allow);
  const replay = createReplayGuard({ nowMs: () => clock.nowMs() });
  const repeated = createRateLimitedLog(options.logger, () => clock.monotonicMs(), REPEATED_LOG_INTERVAL_MS);
  const replyBytesMax = options.replyBytesMax ?? EXEC_REPLY_BYTES_MAX;
  const runningMax = options.runningMax ?? RUNNING_MAX;
  const unverifiedPerMinute = options.unverifiedRecordsPerMinute ?? UNVERIFIED_RECORDS_PER_MINUTE;
  let running = 0;
  let unverifiedWindow = { startMs: -Infinity, count: 0 };

  const record = (event: Omit<ExecRanEvent, "type" | "node">, verified: boolean): void => {
    if (!verified) {
      const now = clock.monotonicMs();
      if (now - unverifiedWindow.startMs >= 60_000) unverifiedWindow = { startMs: now, count: 0 };
      if (++unverifiedWindow.count > unverifiedPerMinute) {
        repeated.log("warn", "exec-unverified", "remote exec refused (unverified requests over the timeline's rate, not recorded)", { requester: event.requester, reason: event.reason });
        return;
      }
    }
    options.publish({ type: "ExecRan", node: options.nodeName, ...event });
  };

  const refuse = (query: IncomingSerfQuery, refusal: Refusal): Uint8Array => {
    const { request } = refusal;
    const id = request?.id ?? "0".repeat(32);
    const who = request ? `${request.origin} ${request.caller}` : `${query.sourceNode} (sender of the query)`;
    record({ requestId: id, requester: refusal.verified ? who : `unverified: ${who}`.slice(0, 300), argv: request?.argv ?? [], outcome: "refused", reason: refusal.reason, durationMs: 0 }, refusal.verified);
    return encodeExecReply({ id, node: options.nodeName, outcome: "refused", reason: refusal.reason, durationMs: 0, stdout: "", stderr: "", truncated: false }, refusal.key, replyBytesMax);
  };

  return {
    async answer(query) {
      const keys = verifyingKeys(options.secrets());
      const verified = verifyExecRequest(query.payload, keys);
      if (!verified.ok) {
        const request = verified.reason === "bad-signature" ? verified.request : undefined;
        const reason = !settings.enabled
          ? "exec is disabled on this node (exec.enabled is false)"
          : keys.length === 0
            ? "this node has neither a gossip key nor an API token to verify requests with: it runs nothing"
            : `request refused (${verified.reason}): ${verified.message}`;
        return refuse(query, { reason, key: undefined, request, verified: false });
      }
      const { request, key } = verified;
      const fresh = replay.admit(request.id, request.issuedAtMs);
      if (!fresh.ok) return refuse(query, { reason: `request refused (${fresh.reason}): ${fresh.message}`, key, request, verified: true });
      if (!settings.enabled) return refuse(query, { reason: "exec is disabled on this node (exec.enabled is false)", key, request, verified: true });
      const allowedBy = allowlist.match(request.argv);
      if (allowedBy === undefined) return refuse(query, { reason: "not in this node's allowlist (exec.allow)", key, request, verified: true });
      if (running >= runningMax) return refuse(query, { reason: `${runningMax} commands are running on this node already; try again when they end`, key, request, verified: true });
      running++;
      try {
        return await run(request, key, allowedBy);
      } finally {
        running--;
      }
    },
  };

  async function run(request: ExecRequest, key: ExecKey, allowedBy: string): Promise<Uint8Array> {
    const requester = `${request.origin} ${request.caller}`;
    const timeoutMs = Math.min(request.timeoutMs, settings.timeoutMs);
    const abort = new AbortController();
    const timer = clock.setTimer(timeoutMs, () => abort.abort());
    const startedMs = clock.monotonicMs();
    let result: ExecResult | Error;
    try {
      result = await options.exec.run(request.argv, { env: { ...EXEC_ENVIRONMENT }, cwd: "/", signal: abort.signal, outputBytesMax: settings.outputBytesMax });
    } catch (error) {
      result = error instanceof Error ? error : new Error(describeError(error));
    } finally {
      timer.cancel();
    }
    const durationMs = clock.monotonicMs() - startedMs;
    const base = { id: request.id, node: options.nodeName, durationMs };
    let reply: ExecReply;
    if (result instanceof Error) {
      reply = { ...base, outcome: "failed", reason: describeError(result), stdout: "", stderr: "", truncated: false };
    } else {
      reply = { ...base, outcome: "ran", exitCode: result.exitCode, signal: result.signalCode ?? undefined, timedOut: result.aborted || undefined, stdout: result.stdout, stderr: result.stderr, truncated: result.truncated };
      if (result.aborted) reply.reason = `killed after the ${timeoutMs} ms timeout`;
    }
    record({ requestId: request.id, requester, argv: request.argv, outcome: reply.outcome, exitCode: reply.exitCode, timedOut: reply.timedOut, allowedBy, reason: reply.reason, durationMs }, true);
    return encodeExecReply(reply, key, replyBytesMax);
  }
}
