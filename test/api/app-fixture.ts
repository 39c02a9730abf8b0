import type { ApiDeps, ReadinessCheck } from "../../src/api/api-deps.ts";
import { createApp, type RouteModule } from "../../src/api/create-app.ts";
import type { KeyOperationResult } from "../../src/cluster/serf-key-manager.ts";
import type { ClusterStatusJson, NodeStatusJson } from "../../src/cluster/status-json.ts";
import { ManualClock } from "../../src/platform/manual-clock.ts";
import { createMemoryLogger } from "../../src/platform/logger.ts";
import { createSeededRandom } from "../../src/platform/random.ts";
import { createMemoryReplicaStore } from "../../src/kv/memory-replica-store.ts";
import { createReplicatedKv } from "../../src/kv/replicated-kv.ts";
import { createMemoryHistoryStore } from "../../src/store/memory-history-store.ts";

/** A gossip key (base64 of 32 bytes) the fixture's keyring lists. */
export const FIXTURE_KEY = "T9jncgl9mbLus+baTTa7q7nPSUN1ulRTPzZDQpiaqsE=";

/** The one maintenance window the fixture's agent has. */
export const MAINTENANCE_WINDOW = { id: "0123456789abcdef", node: "n3", author: "n1", until: "2026-11-22T13:00:00.000000000Z", started_at: "2026-11-22T12:00:00.000000000Z", reason: "reboot" };

/** An app over a memory store and a status the test sets. */
export function makeApp(overrides: Partial<ApiDeps> = {}, extra: readonly RouteModule[] = []) {
  const clock = new ManualClock(Date.UTC(2026, 10, 22, 12, 0, 0));
  const history = createMemoryHistoryStore({ retentionMs: 7 * 86_400_000 });
  const state = {
    cluster: { status: "running", nodes: [], timestamp: "2026-11-22T12:00:00.000000000Z", summary: "" } as ClusterStatusJson,
    local: { name: "n1", status: "running", probes: [{ checker: "disk-space", status: "running" }] } as NodeStatusJson,
    readiness: [{ name: "history", ok: true }] as ReadinessCheck[],
    joined: [] as string[],
    left: 0,
    forced: [] as string[],
    maintenance: [] as string[],
    ran: [] as string[],
    rendered: [] as string[],
    queried: [] as string[],
    kvWrites: [] as string[],
    execs: [] as { argv: string[]; caller: string; timeoutMs: number; tags?: Record<string, string>; nodes?: string[] }[],
  };
  // A one-node replicated store; its writes are recorded for the mutation guard's test.
  // On a clock of its own: its background timers (hints, anti-entropy) are not the app's.
  const kv = createReplicatedKv({ name: "n1", clock: new ManualClock(Date.UTC(2026, 10, 22, 12, 0, 0)), random: createSeededRandom(1), logger: createMemoryLogger(), store: createMemoryReplicaStore(), members: () => [], request: async () => undefined });
  const deps: ApiDeps = {
    clock,
    kv: {
      ...kv,
      put: (key, value) => (state.kvWrites.push(`put ${key}`), kv.put(key, value)),
      delete: (key) => (state.kvWrites.push(`delete ${key}`), kv.delete(key)),
    },
    history,
    status: { cluster: async () => state.cluster, local: () => state.local },
    readiness: () => state.readiness,
    version: { version: "1.2.3", gitCommit: "abc", gitTreeState: "clean" },
    checks: {
      list: () => [{ name: "disk-space", kind: "disk-space", intervalMs: 10_000, timeoutMs: 5000, probes: [{ checker: "disk-space", status: "running" }], consecutiveFailures: 0 }],
      run: async (name) => {
        state.ran.push(name);
        return name === "disk-space" ? { probes: [{ checker: "disk-space", status: "running" }], durationMs: 3 } : undefined;
      },
    },
    generators: {
      list: () => [],
      render: async (name) => {
        state.rendered.push(name);
        return name === "disk-space" ? { generator: name, target: "/etc/x.cfg", ok: true, result: "unchanged" } : undefined;
      },
    },
    remoteExec: {
      run: async (request) => {
        state.execs.push(request);
        return { id: "ab".repeat(16), results: [{ node: "n1", outcome: "ran", exitCode: 0, durationMs: 2, stdout: "up\n", stderr: "", truncated: false }] };
      },
    },
    serfQueries: {
      querying: {
        query: async (params) => {
          state.queried.push(`query ${params.name}`);
          return { acks: ["n1"], responses: [{ from: "n1", payload: new TextEncoder().encode("pong") }] };
        },
        answerQuery: () => () => {},
      },
      keys: async (op): Promise<KeyOperationResult> => {
        state.queried.push(`keys ${op}`);
        return { numNodes: 1, numResp: 1, numErr: 0, messages: {}, keys: op === "list" ? { [FIXTURE_KEY]: 1 } : {}, primaryKeys: op === "list" ? { [FIXTURE_KEY]: 1 } : {} };
      },
    },
    maintenance: {
      list: () => [MAINTENANCE_WINDOW],
      start: (request) => {
        state.maintenance.push(`start ${request.node ?? ""} ${request.check ?? ""} ${request.durationMs}`);
        return request.node === "n9" ? { ok: false, status: 404, error: 'no member named "n9"' } : { ok: true, window: { ...MAINTENANCE_WINDOW, node: request.node, check: request.check, reason: request.reason } };
      },
      end: (request) => {
        state.maintenance.push(`end ${request.id ?? ""} ${request.node ?? ""} ${request.check ?? ""}`);
        return request.node === "n3" || request.id === MAINTENANCE_WINDOW.id ? [MAINTENANCE_WINDOW] : [];
      },
    },
    membership: {
      list: () => [{ name: "n1", addr: "10.0.0.1:7946", status: "alive", tags: { role: "master" } }],
      join: async (addresses) => {
        state.joined.push(...addresses);
        return addresses.filter((a) => !a.startsWith("bad")).length;
      },
      leave: async () => void state.left++,
      forceLeave: async (node, prune) => {
        state.forced.push(prune ? `${node} --prune` : node);
        return node === "n1" ? { outcome: "self" } : { outcome: "done", member: undefined };
      },
    },
    ...overrides,
  };
  return { app: createApp(deps, extra), clock, history, state };
}
