import type { z } from "zod";
import type { CollectorSource } from "../collectors/collector-manager.ts";
import type { PeerLink } from "../events/health-state.ts";
import type { Clock } from "../platform/clock.ts";
import type { Logger } from "../platform/logger.ts";
import type { CheckOutcome } from "./check-outcome.ts";

/** What a check run gets from the scheduler. */
export interface CheckContext {
  /** Aborted when the run's timeout passes or the agent stops; checks must honour it. */
  signal: AbortSignal;
  clock: Clock;
  logger: Logger;
}

/**
 * One configured check, ready to run. Contract: resolves (never rejects on a failed check:
 * a failing health check is a result), honours `ctx.signal`, never loops or schedules itself,
 * keeps its outputs bounded. The scheduler turns a rejection or timeout into a failed probe.
 */
export type CheckRun = (ctx: CheckContext) => Promise<CheckOutcome[]>;

/** What gossip measured about one peer (see cluster/peer-measurements.ts). */
export type PeerLinkView = PeerLink;

/**
 * The agent-level settings checkers read, and nothing else: the agent's configuration also holds
 * secrets (API token, gossip keys, InfluxDB credentials) that no checker may see. Values are
 * resolved: defaults were applied by the config schema (src/config/schema.ts), so a checker never
 * restates one. Names are the config keys (docs/configuration.md). Built once per agent.
 */
export interface CheckerSettings {
  readonly nodeName: string;
  /** Absolute. */
  readonly stateDir: string;
  /** Ports this agent's HTTP API listens on (rpcAddr). */
  readonly apiPorts: readonly number[];
  /** Unset: the in-cluster configuration, when the agent runs in a pod. */
  readonly kubeconfig: string | undefined;
  /** kubelet health endpoint base URL. */
  readonly kubeletAddr: string;
  /** Docker API: socket path, unix:///path, tcp://host:port or http(s)://host:port. */
  readonly dockerAddr: string;
  /** etcd client URLs; at least one. */
  readonly etcdServers: readonly string[];
  readonly etcdCafile: string | undefined;
  readonly etcdCertfile: string | undefined;
  readonly etcdKeyfile: string | undefined;
  /** This node's `thresholds` (role already applied): they override the evaluated checks' own. */
  readonly thresholds?: Readonly<Record<string, number>>;
}

/** What checkers may use when they are built. */
export interface CheckerEnvironment {
  settings: CheckerSettings;
  logger: Logger;
  /** Current measurements of every peer, from gossip traffic; absent when gossip does not run. */
  peers?: () => PeerLinkView[];
  /** The agent's host value collectors (evaluated checks); absent, each such check collects on its own. */
  collectors?: CollectorSource;
}

/**
 * A kind of check: its options schema (the config file's keys beside name/kind/interval...)
 * and a factory. Registered explicitly in src/checkers/registry.ts.
 */
export interface CheckerKind<Options extends Record<string, unknown> = Record<string, unknown>> {
  kind: string;
  /** One line for `satellite checks` and docs. */
  description: string;
  /**
   * Builds the options schema; called each time checks of this kind are validated and not kept,
   * so an agent holds no schema of a kind it does not run (zod schemas are heavy: ~8 KiB each).
   */
  options(): z.ZodType<Options>;
  create(options: Options, env: CheckerEnvironment): CheckRun;
}
