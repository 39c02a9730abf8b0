import type { AgentPlatform } from "../agent/platform-deps.ts";
import type { AgentLogOptions } from "./cli-deps.ts";
import { systemClock } from "../platform/clock.ts";
import { bunExec } from "../platform/exec.ts";
import { createSystemHostProbe } from "../platform/host-probe.ts";
import { createLineLogger } from "../platform/logger.ts";
import { createStderrLineWriter, type StderrLineWriter } from "../platform/stderr-lines.ts";
import { createSystemRandom } from "../platform/random.ts";
import { lockStateDir } from "../platform/state-dir-lock.ts";
import { makePrivateDir } from "../platform/state-files.ts";
import { createPeerSnapshotFile } from "../agent/peer-snapshot-file.ts";
import { createUdpTcpGossipNet } from "../membership/udp-tcp-net.ts";
import { listenHttp } from "../platform/http-server.ts";
import { resolveHost, resolveHostAll } from "../platform/resolve-host.ts";
import { createSqliteHistoryStore } from "../store/sqlite/sqlite-history-store.ts";
import { openSqliteReplicaStore } from "../kv/sqlite-replica-store.ts";
import { releaseStartUpMemory } from "../platform/release-start-up-memory.ts";

let logLinesOfProcess: StderrLineWriter | undefined;

/** One writer for the process's fd 2, whose held lines are written on exit: process.exit does not run the microtask that would. */
function processLogLines(): StderrLineWriter {
  if (!logLinesOfProcess) {
    const lines = createStderrLineWriter();
    process.on("exit", () => lines.flush());
    logLinesOfProcess = lines;
  }
  return logLinesOfProcess;
}

/**
 * The agent's real side effects (sockets, SQLite, processes). Loaded only by `satellite agent`
 * (process-cli-deps.ts imports it on demand): client commands never evaluate it.
 */
export function createAgentPlatform(log: AgentLogOptions = { level: "info", format: "logfmt" }): AgentPlatform {
  const logLines = processLogLines();
  return {
    clock: systemClock,
    random: createSystemRandom(),
    logger: createLineLogger({ minLevel: log.level, format: log.format, write: logLines, nowMs: () => systemClock.nowMs() }),
    hostProbe: createSystemHostProbe(),
    exec: bunExec,
    environment: process.env,
    makeDir: makePrivateDir,
    lockStateDir: (dir) => lockStateDir(dir),
    resolveHost,
    resolveHostAll: (host) => resolveHostAll(host),
    openGossipNet: (options) => createUdpTcpGossipNet({ ...options, compression: true }),
    openHistoryStore: (options) => createSqliteHistoryStore(options),
    openKvReplicaStore: (path) => openSqliteReplicaStore(path),
    listenHttp,
    peerSnapshots: createPeerSnapshotFile,
    releaseStartUpMemory,
  };
}
