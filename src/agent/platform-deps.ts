import type { MemberSnapshotStore } from "../cluster/serf-snapshot.ts";
import type { GossipNet, GossipNetStats } from "../membership/gossip-net.ts";
import type { Keyring } from "../membership/wire/index.ts";
import type { ListeningSockets } from "../platform/bun-sockets.ts";
import type { Clock } from "../platform/clock.ts";
import type { CodePagesDropped } from "../platform/drop-code-pages.ts";
import type { Exec } from "../platform/exec.ts";
import type { GeneratedFiles } from "../platform/generated-files.ts";
import type { HostProbe } from "../platform/host-probe.ts";
import type { HttpServerOptions, ListenAddress, RequestHandler, RunningHttpServer } from "../platform/http-server.ts";
import type { Logger } from "../platform/logger.ts";
import type { PrivateTextFiles } from "../platform/private-text-files.ts";
import type { Random } from "../platform/random.ts";
import type { NotifyPlatform } from "../notify/notify-platform.ts";
import type { HostFacts } from "../platform/host-facts.ts";
import type { HistoryStore } from "../store/history-store.ts";
import type { KvReplicaStore } from "../kv/replica-store.ts";

export interface AgentGossipNetOptions {
  /** IP literal to bind. */
  bindAddr: string;
  /** 0 picks a free port. */
  bindPort: number;
  /** IP literal peers should use. */
  advertiseAddr?: string;
  keyring?: Keyring;
  logger: Logger;
  clock: Clock;
}

export interface AgentGossipNetStats extends GossipNetStats {
  /** Dropped received packets by reason (malformed, unencrypted, wrong key, ...). */
  dropsByReason: Record<string, number>;
  /** Incoming streams refused or closed early, by reason (nets without streams that can fail leave it out). */
  streamFailuresByReason?: Record<string, number>;
}

/** The gossip transport the agent runs on: real UDP/TCP in a process, a simulated network in tests. */
export interface AgentGossipNet extends GossipNet {
  stats(): AgentGossipNetStats;
}

export interface AgentHistoryStoreOptions {
  /** The database file (`<state dir>/history.db`); a store that keeps no file ignores it. */
  path: string;
  retentionMs: number;
  sampleRetentionMs: number;
  aggregateRetentionMs: number;
  clock: Clock;
  logger: Logger;
  /** Called on every failed write; `kind` says what was being written. */
  onWriteError: (kind: string) => void;
}

/**
 * Every side effect the agent needs, built once by the process (src/cli/process-platform.ts)
 * or by a simulation, and passed down: the composition root never opens a socket, a file or a
 * database by itself, so whole agents run in one process over a simulated network.
 */
export interface AgentPlatform {
  clock: Clock;
  random: Random;
  logger: Logger;
  hostProbe: HostProbe;
  /** What detectors and applyOn read of the host; the real host (platform/host-facts.ts) when absent. */
  hostFacts?: HostFacts;
  /** Runs event handlers (their process groups are killed when they end or time out). */
  exec: Exec;
  /** Files config generators read and write; the real ones (platform/generated-files.ts) when absent. */
  generatedFiles?: GeneratedFiles;
  /** Sockets of the DNS, statsd and graphite listeners; Bun's (platform/bun-sockets.ts) when absent. */
  sockets?: ListeningSockets;
  /** The agent's environment (notifier secrets named by `env`, a script notifier's PATH); empty when absent. */
  environment?: Readonly<Record<string, string | undefined>>;
  /** Notifiers' side effects; the process's real ones (agent/notifications.ts) when absent. */
  notify?: NotifyPlatform;
  /** Small private state files (maintenance windows); the real ones (platform/private-text-files.ts) when absent. */
  stateFiles?: PrivateTextFiles;
  /** Creates a directory and its parents; throws when it cannot. */
  makeDir(path: string): void;
  /**
   * Locks the state directory for this agent (platform/state-dir-lock.ts); throws
   * STATE_DIR_LOCKED when another agent has it. Absent: no lock (simulated agents).
   */
  lockStateDir?(dir: string): { release(): void };
  /** A host name or IP literal to an IP literal; rejects when it cannot be resolved. */
  resolveHost(host: string): Promise<string>;
  /**
   * Every address a host name resolves to (A and AAAA; an IP literal is itself), for seeds
   * given by name; rejects when it cannot be resolved. Absent: resolveHost's one address.
   */
  resolveHostAll?(host: string): Promise<string[]>;
  /** Binds the gossip transport; rejects when the address cannot be used. */
  openGossipNet(options: AgentGossipNetOptions): Promise<AgentGossipNet>;
  /** Opens the history store; must not throw on a failing disk later (see HistoryStore). */
  openHistoryStore(options: AgentHistoryStoreOptions): HistoryStore;
  /** Serves `handler` on every address; rejects with a clear error when an address is taken. */
  listenHttp(addresses: readonly ListenAddress[], handler: RequestHandler, options?: HttpServerOptions): Promise<RunningHttpServer>;
  /** Opens the key-value store's replicas (`<state dir>/kv.db`; SQLite in the process); in memory when absent. */
  openKvReplicaStore?(path: string): KvReplicaStore;
  /**
   * Frees what start-up left in memory (platform/release-start-up-memory.ts); called once, when
   * start-up has settled; resolves to what became of the executable's code pages (undefined
   * where there are none to drop). Absent: nothing to free (simulated agents).
   */
  releaseStartUpMemory?(): Promise<CodePagesDropped | undefined> | void;
  /** Where known peers are kept between runs (`<state dir>/peers.json`). */
  peerSnapshots(path: string, logger: Logger): MemberSnapshotStore;
}
