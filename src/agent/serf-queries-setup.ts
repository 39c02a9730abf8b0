import type { SerfQueriesSource } from "../api/serf-query-routes.ts";
import { answerInternalQueries } from "../cluster/serf-internal-queries.ts";
import { runKeyOperation } from "../cluster/serf-key-manager.ts";
import type { ConflictMember } from "../cluster/serf-query-wire.ts";
import type { AgentConfig } from "../config/load.ts";
import { parseDurationMs } from "../config/duration.ts";
import type { Clock } from "../platform/clock.ts";
import type { EventStream } from "../events/event-stream.ts";
import type { Exec } from "../platform/exec.ts";
import type { Logger } from "../platform/logger.ts";
import { writePrivateFileAtomic } from "../platform/state-files.ts";
import type { Gossip } from "./gossip.ts";
import { answerQueriesWithHandlers } from "./query-handlers.ts";

/** serf's QueryResponseSizeLimit, which the key list answer must fit. */
const RESPONSE_SIZE_LIMIT_BYTES = 1024;

export interface SerfQueriesSetupDeps {
  logger: Logger;
  exec: Exec;
  clock: Clock;
  /** KeyringChanged goes here. */
  events?: EventStream;
  /** Writes the keyring file (default: atomically, 0600). */
  writeFile?: (path: string, text: string) => void;
}

export interface AgentSerfQueries {
  /** For the API (POST /query, /keys) and for features built on queries. */
  source: SerfQueriesSource;
  /** Answers with the query handlers of a reloaded config (SIGHUP) instead of the running ones. */
  reloadHandlers(config: Pick<AgentConfig, "name" | "tags" | "eventHandlers" | "eventHandlerTimeout">): void;
  stop(): void;
}

/**
 * The agent's serf queries: answers serf's internal queries (ping, conflict, keys) against
 * the gossip keyring, rewriting `--keyring-file` atomically (0600, serf's indented JSON array
 * of base64 keys, primary first) after each change so a restart keeps the rotated keys; and
 * answers the queries named by `--event-handler query:NAME=COMMAND` (query-handlers.ts).
 */
export function setupSerfQueries(config: Pick<AgentConfig, "name" | "keyringFile" | "tags" | "eventHandlers" | "eventHandlerTimeout">, gossip: Gossip, deps: SerfQueriesSetupDeps): AgentSerfQueries {
  const { logger, writeFile = writePrivateFileAtomic } = deps;
  const serf = gossip.member.serf;
  const keyring = gossip.keyring;
  const log = logger.child({ part: "serf-queries" });
  const stop = answerInternalQueries(serf, {
    localName: config.name,
    member: (name) => conflictMember(gossip, name),
    keyring,
    persistKeyring: async () => {
      if (!keyring) return;
      if (!config.keyringFile) {
        // serf's agent does the same without a keyring file; unlike it, say so where operators look.
        log.warn("the gossip keyring changed in memory only: a restart starts again from --encrypt/--encrypt-file and this node could not rejoin a cluster that moved on. Start agents with --keyring-file to keep rotated keys", { keys: keyring.keys.length });
        return;
      }
      const text = JSON.stringify(keyring.keys.map((k) => Buffer.from(k).toString("base64")), null, 2);
      try {
        writeFile(config.keyringFile, text);
      } catch (error) {
        throw new Error(`Failed to write keyring file: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
      }
      log.info("keyring file rewritten", { path: config.keyringFile, keys: keyring.keys.length });
    },
    responseSizeLimitBytes: RESPONSE_SIZE_LIMIT_BYTES,
    logger: log,
    onKeyringChange: (change) => deps.events?.publish({ type: "KeyringChanged", node: config.name, ...change }),
  });
  const handlersOf = (c: Pick<AgentConfig, "name" | "tags" | "eventHandlers" | "eventHandlerTimeout">) =>
    answerQueriesWithHandlers({
      handlers: c.eventHandlers,
      querying: serf,
      exec: deps.exec,
      clock: deps.clock,
      logger: logger.child({ part: "query-handlers" }),
      self: { name: c.name, tags: c.tags },
      timeoutMs: parseDurationMs(c.eventHandlerTimeout) ?? 30_000,
    });
  let stopHandlers = handlersOf(config);
  return {
    source: {
      querying: serf,
      keys: (op, keyBase64) => runKeyOperation(serf, () => serf.membership.numAlive(), op, keyBase64),
    },
    reloadHandlers: (next) => {
      stopHandlers();
      stopHandlers = handlersOf(next);
    },
    stop: () => {
      stop();
      stopHandlers();
    },
  };
}

function conflictMember(gossip: Gossip, name: string): ConflictMember | undefined {
  const serf = gossip.member.serf;
  const m = serf.members().find((x) => x.name === name);
  const node = serf.membership.member(name);
  if (!m || !node) return undefined;
  return { name: m.name, addr: m.addr, port: m.port, tags: m.tags, status: m.status, vsn: node.vsn };
}
