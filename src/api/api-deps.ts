import type { ClusterStatusJson, NodeStatusJson } from "../cluster/status-json.ts";
import type { VersionInfo } from "../build-info.ts";
import type { Clock } from "../platform/clock.ts";
import type { CheckView } from "../probes/node-health.ts";
import type { Probe } from "../events/health-state.ts";
import type { HistoryStore } from "../store/history-store.ts";
import type { DetectorsSource } from "./detectors-route.ts";
import type { CollectorsApiSource } from "./collectors-routes.ts";
import type { RemoteExecSource } from "./exec-routes.ts";
import type { GeneratorsSource } from "./generators-routes.ts";
import type { KvBackend } from "../kv/kv-backend.ts";
import type { LiveEvents } from "./live-events.ts";
import type { SerfQueriesSource } from "./serf-query-routes.ts";
import type { MaintenanceSource } from "./maintenance-routes.ts";

/** One line of /readyz. */
export interface ReadinessCheck {
  name: string;
  ok: boolean;
  /** Why it is not ok, and what to do; on an ok line, a warning that does not fail readiness. */
  message?: string;
}

export interface StatusSource {
  /** `details`: fetch full probes of remote nodes from their own API (short timeout, cached). */
  cluster(options?: { details?: boolean }): Promise<ClusterStatusJson>;
  local(): NodeStatusJson;
}

export interface ChecksSource {
  list(): CheckView[];
  /** Built-in checks not enabled on this host, with the reason. */
  skipped?(): { name: string; kind: string; reason: string }[];
  /** Runs a check now; undefined when no check has that name. */
  run(name: string): Promise<{ probes: Probe[]; durationMs: number } | undefined>;
}

export interface MemberView {
  name: string;
  addr: string;
  status: string;
  tags: Record<string, string>;
}

/** What a force-leave did: no such member, the member is this node, or the member as it is now (absent: forgotten). */
export type ForceLeaveOutcome = { outcome: "unknown" } | { outcome: "self" } | { outcome: "done"; member: MemberView | undefined };

export interface MembershipSource {
  list(): MemberView[];
  /** Returns how many of the addresses were joined. */
  join(addresses: string[]): Promise<number>;
  leave(): Promise<void>;
  /** serf's force-leave: a failed member becomes left on every node; `prune` forgets it at once. */
  forceLeave?(node: string, prune: boolean): Promise<ForceLeaveOutcome>;
}

/** What the HTTP API reads from; built by the agent, faked in tests. */
export interface ApiDeps {
  clock: Clock;
  status: StatusSource;
  history: HistoryStore;
  readiness: () => ReadinessCheck[];
  checks?: ChecksSource;
  /** Detectors and the tags they set (GET /detectors). */
  detectors?: DetectorsSource;
  /** The host value collectors (GET /collectors, /collectors/NAME). */
  collectors?: CollectorsApiSource;
  /** The key-value store (/kv, docs/kv.md); absent when kv.enabled is false. */
  kv?: KvBackend;
  /** Config generators (GET /generators, POST /generators/:name/render). */
  generators?: GeneratorsSource;
  membership?: MembershipSource;
  /** Remote exec over serf queries (POST /exec, docs/exec.md); without it /exec answers 503. */
  remoteExec?: RemoteExecSource;
  /** serf queries and key rotation (POST /query, GET /keys, POST /keys/*); without it they answer 503. */
  serfQueries?: SerfQueriesSource;
  /** Maintenance windows (GET/POST/DELETE /maintenance); without it they answer 503. */
  maintenance?: MaintenanceSource;
  version: VersionInfo;
  /** The clients of GET /events (live-events.ts); without it /events answers 503. */
  liveEvents?: LiveEvents;
  /** Where the dashboard is mounted (`/ui/`); a browser asking `/` for HTML is sent there. */
  dashboardPath?: string;
  /** A rendered /status is reused this long (0: render every request). */
  statusCacheMs?: number;
  /**
   * When set, every mutating request must carry `Authorization: Bearer <token>`, from any
   * address, loopback included; when unset, only loopback callers may mutate (mutation-guard.ts).
   */
  apiToken?: string;
}

/** Per-request facts the server adapter passes as Hono's env. */
export interface ApiEnv {
  /** The client's IP address, when the server knows it; unknown counts as not loopback. */
  remoteAddress?: string;
}

/** Hono's environment for every route module of the API. */
export type ApiBindings = { Bindings: ApiEnv };
