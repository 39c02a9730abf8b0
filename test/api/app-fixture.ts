import type { ApiDeps, ReadinessCheck } from "../../src/api/api-deps.ts";
import { createApp, type RouteModule } from "../../src/api/create-app.ts";
import type { ClusterStatusJson, NodeStatusJson } from "../../src/cluster/status-json.ts";
import { ManualClock } from "../../src/platform/manual-clock.ts";
import { createMemoryHistoryStore } from "../../src/store/memory-history-store.ts";

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
    ran: [] as string[],
    rendered: [] as string[],
    execs: [] as { argv: string[]; caller: string; timeoutMs: number; tags?: Record<string, string>; nodes?: string[] }[],
  };
  const deps: ApiDeps = {
    clock,
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
