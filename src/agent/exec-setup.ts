import type { RemoteExecSource } from "../api/exec-routes.ts";
import type { AgentConfig } from "../config/load.ts";
import { parseDurationMs } from "../config/duration.ts";
import type { EventStream } from "../events/event-stream.ts";
import type { Clock } from "../platform/clock.ts";
import type { Exec } from "../platform/exec.ts";
import type { Logger } from "../platform/logger.ts";
import { secureRandomBytes, type SecureRandomBytes } from "../platform/secure-random.ts";
import { createExecClient } from "../remote-exec/exec-client.ts";
import type { ExecSecrets } from "../remote-exec/exec-keys.ts";
import { createExecResponder, EXEC_QUERY_NAME } from "../remote-exec/exec-responder.ts";
import type { Serf } from "../cluster/serf.ts";
import type { Keyring } from "../membership/wire/keyring.ts";

export interface RemoteExec {
  /** POST /exec. */
  source: RemoteExecSource;
  /** Stops answering exec queries. */
  stop(): void;
}

/**
 * Remote exec in the agent (docs/exec.md): every node answers the satellite-exec query (a node
 * with exec off answers a refusal) and sends requests for POST /exec. The secrets are read per
 * request: the gossip keyring as key rotation leaves it, and the API token.
 */
export function setupRemoteExec(
  config: Pick<AgentConfig, "name" | "exec" | "apiToken">,
  deps: { gossip: { member: { serf: Pick<Serf, "query" | "answerQuery" | "members"> }; keyring: Keyring | undefined }; exec: Exec; clock: Clock; events: EventStream; logger: Logger; randomBytes?: SecureRandomBytes },
): RemoteExec {
  const serf = deps.gossip.member.serf;
  const logger = deps.logger.child({ part: "remote-exec" });
  const secrets = (): ExecSecrets => ({ gossipKeys: deps.gossip.keyring?.keys ?? [], apiToken: config.apiToken });
  const settings = { enabled: config.exec.enabled, allow: config.exec.allow, timeoutMs: parseDurationMs(config.exec.timeout) ?? 10_000, outputBytesMax: config.exec.outputBytesMax };
  const responder = createExecResponder({ nodeName: config.name, settings, secrets, exec: deps.exec, clock: deps.clock, publish: (event) => deps.events.publish(event), logger });
  const stop = serf.answerQuery(EXEC_QUERY_NAME, (query) => responder.answer(query));
  if (settings.enabled) {
    const hasSecret = secrets().gossipKeys.length > 0 || config.apiToken !== undefined;
    if (hasSecret) logger.info("remote exec enabled", { allow: settings.allow.length, timeoutMs: settings.timeoutMs });
    else logger.warn("remote exec is enabled but this node has neither a gossip key nor an API token: it refuses every request", { hint: "start the agent with --encrypt-file or --api-token-file" });
  }
  const membersMatching = (filters: { tags?: Record<string, string>; nodes?: string[] }): number =>
    serf.members().filter((m) => m.status === "alive" && (!filters.nodes || filters.nodes.includes(m.name)) && Object.entries(filters.tags ?? {}).every(([k, v]) => m.tags[k] === v)).length;
  const client = createExecClient({ nodeName: config.name, querying: () => serf, secrets, clock: deps.clock, randomBytes: deps.randomBytes ?? secureRandomBytes, membersMatching });
  return { source: { run: (request) => client.run(request) }, stop };
}
