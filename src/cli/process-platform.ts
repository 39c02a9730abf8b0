import { hostname } from "node:os";
import type { AgentPlatform } from "../agent/platform-deps.ts";
import type { AgentLogOptions, CliDeps } from "./cli-deps.ts";
import { startChildReaper } from "../platform/child-reaper.ts";
import { systemClock } from "../platform/clock.ts";
import { bunExec } from "../platform/exec.ts";
import { createSystemHostProbe } from "../platform/host-probe.ts";
import { createLineLogger } from "../platform/logger.ts";
import { createSystemRandom } from "../platform/random.ts";
import { readRegularTextFile } from "../platform/regular-file.ts";
import { lockStateDir } from "../platform/state-dir-lock.ts";
import { makePrivateDir } from "../platform/state-files.ts";
import { createPeerSnapshotFile } from "../agent/peer-snapshot-file.ts";
import { createUdpTcpGossipNet } from "../membership/udp-tcp-net.ts";
import { listenHttp } from "../platform/http-server.ts";
import { resolveHost, resolveHostAll } from "../platform/resolve-host.ts";
import { createSqliteHistoryStore } from "../store/sqlite/sqlite-history-store.ts";
import { openSqliteReplicaStore } from "../kv/sqlite-replica-store.ts";

/** The real process: stdout/stderr, environment, files, signals. Built once by main. */
export function createProcessCliDeps(): CliDeps {
  return {
    out: (text) => void process.stdout.write(`${text}\n`),
    err: (text) => void process.stderr.write(`${text}\n`),
    writeOut: (bytes) => void process.stdout.write(bytes),
    readStdin: (bytesMax) => readStdinBounded(bytesMax),
    env: process.env,
    fetch: globalThis.fetch,
    readFile: (path, bytesMax) => readRegularTextFile(path, bytesMax),
    hostname: () => hostname(),
    cwd: () => process.cwd(),
    isTerminal: process.stdout.isTTY === true,
    agentPlatform: (log) => {
      const platform = createAgentPlatform(log);
      // Here, not in createAgentPlatform: only the agent process may collect orphans (tests build platforms too).
      startChildReaper(platform.logger);
      return platform;
    },
    waitForStopSignal: () =>
      new Promise((resolve) => {
        const onSignal = (signal: NodeJS.Signals) => {
          process.off("SIGTERM", onSignal);
          process.off("SIGINT", onSignal);
          resolve(signal);
        };
        process.on("SIGTERM", onSignal);
        process.on("SIGINT", onSignal);
      }),
    // A SIGHUP listener also replaces the default action (exit 129, nothing flushed).
    onReloadSignal: (listener) => {
      const onHup = () => listener();
      process.on("SIGHUP", onHup);
      return () => void process.off("SIGHUP", onHup);
    },
  };
}

export function createAgentPlatform(log: AgentLogOptions = { level: "info", format: "logfmt" }): AgentPlatform {
  return {
    clock: systemClock,
    random: createSystemRandom(),
    logger: createLineLogger({ minLevel: log.level, format: log.format, write: (line) => void process.stderr.write(`${line}\n`), nowMs: () => systemClock.nowMs() }),
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
  };
}

/** stdin to its end, stopping once more than `bytesMax` bytes came (the caller reports the excess). */
async function readStdinBounded(bytesMax: number): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of process.stdin as AsyncIterable<Uint8Array>) {
    chunks.push(chunk);
    size += chunk.length;
    if (size > bytesMax) break;
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}
