import type { AgentPlatform } from "../agent/platform-deps.ts";
import { createPeerSnapshotFile } from "../agent/peer-snapshot-file.ts";
import { createUdpTcpGossipNet } from "../membership/udp-tcp-net.ts";
import { systemClock } from "../platform/clock.ts";
import { listenDenoHttp } from "../platform/deno-http-server.ts";
import { denoRawSockets } from "../platform/deno-sockets.ts";
import { SatelliteError } from "../platform/errors.ts";
import type { Exec } from "../platform/exec.ts";
import { createSystemHostProbe } from "../platform/host-probe.ts";
import { createLineLogger, type LogLevel } from "../platform/logger.ts";
import { createSystemRandom } from "../platform/random.ts";
import { resolveHost } from "../platform/resolve-host.ts";
import { makePrivateDir } from "../platform/state-files.ts";
import { createMemoryHistoryStore } from "../store/memory-history-store.ts";

export interface DenoPlatformOptions {
  /** Default "info". */
  logLevel?: LogLevel;
  /** Where log lines go; stderr by default. */
  writeLog?: (line: string) => void;
  /** The environment notifier secrets are read from (`Deno.env.toObject()` needs --allow-env); empty by default. */
  environment?: Readonly<Record<string, string | undefined>>;
}

/**
 * Runs no programs: processes on Deno are not behind the exec contract (process groups,
 * tagged runs, the child reaper need Bun's FFI), so a check or handler that needs one fails
 * with a clear error instead of leaving processes behind.
 */
const noProcessesOnDeno: Exec = {
  run: (argv) =>
    Promise.reject(new SatelliteError("exec-start", `cannot run ${argv[0] ?? "a program"} on Deno: programs are run by the Bun build only`, { hint: "use the Bun build (dist/satellite) for script checks and event handlers" })),
};

/**
 * The agent's side effects on Deno: gossip over Deno's UDP (`--unstable-net`) and TCP, the
 * HTTP API over `Deno.serve`, history in memory (bun:sqlite is Bun's), no programs run.
 */
export function createDenoAgentPlatform(options: DenoPlatformOptions = {}): AgentPlatform {
  const write = options.writeLog ?? ((line: string) => console.error(line));
  return {
    clock: systemClock,
    random: createSystemRandom(),
    logger: createLineLogger({ minLevel: options.logLevel ?? "info", format: "logfmt", write, nowMs: () => systemClock.nowMs() }),
    hostProbe: createSystemHostProbe(),
    exec: noProcessesOnDeno,
    environment: options.environment ?? {},
    makeDir: makePrivateDir,
    resolveHost,
    openGossipNet: (gossip) => createUdpTcpGossipNet({ ...gossip, compression: true, sockets: denoRawSockets }),
    openHistoryStore: (store) => createMemoryHistoryStore(store),
    listenHttp: listenDenoHttp,
    peerSnapshots: createPeerSnapshotFile,
  };
}
