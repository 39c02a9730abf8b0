/**
 * The agent side of latency.ts: the real API on a real socket over a real ClusterView and
 * remote-details cache, wired like the agent wires them (clusterStatusSource, STATUS_CACHE_MS),
 * holding what gossip delivered to node-0 of a simulated cluster (test/sim's HealthSim). Prints
 * progress lines, then `listening PORT`, and serves until killed.
 */
import { heapStats } from "bun:jsc";
import { clusterStatusSource, STATUS_CACHE_MS } from "../../src/agent/status-source.ts";
import { createApp } from "../../src/api/create-app.ts";
import { ClusterView, memberStatusJson, type MemberInfo } from "../../src/cluster/cluster-view.ts";
import type { NodeDetailsReply } from "../../src/cluster/probe-sync-messages.ts";
import { createRemoteDetails } from "../../src/cluster/remote-details.ts";
import type { RemoteProbeView } from "../../src/cluster/remote-probe-lists.ts";
import type { NodeStatus, Probe } from "../../src/events/health-state.ts";
import { systemClock } from "../../src/platform/clock.ts";
import { useAgentJitPolicy } from "../../src/platform/jit-policy.ts";
import { listenHttp } from "../../src/platform/http-server.ts";
import { createMemoryHistoryStore } from "../../src/store/memory-history-store.ts";
import { HealthSim } from "../../test/sim/health-cluster.ts";

// The API runs with the executable's JIT thresholds (scripts/build.ts bakes them in).
useAgentJitPolicy();

export interface SimulatedAgentOptions {
  nodes: number;
  probes: number;
  /** The API's status cache; the agent's STATUS_CACHE_MS unless given. */
  statusCacheMs?: number;
  log: (line: string) => void;
}

/** A probe list like a host's default checks: mostly passing, a few warnings, text in each. */
function probeList(node: string, count: number): Probe[] {
  return Array.from({ length: count }, (_, k): Probe => {
    const warning = k % 8 === 7;
    return {
      checker: `check-${String(k).padStart(2, "0")}`,
      status: warning ? "failed" : "running",
      severity: warning ? "warning" : undefined,
      detail: `${node}: check ${k} within its bounds (${(k * 37) % 100} of 100 used, sampled over the last 10 s)`,
      error: warning ? `${node}: check ${k} above its warning watermark` : undefined,
    };
  });
}

/** What gossip delivered to node-0 of a converged simulated cluster, held fixed. */
interface GossipSnapshot {
  members: MemberInfo[];
  remoteProbes: Map<string, RemoteProbeView | undefined>;
  /** Each node's answer to a details request (`/status?details`), node-0's own included. */
  details: Map<string, NodeDetailsReply>;
  local: { status: NodeStatus; probes: Probe[] };
}

/**
 * Runs the simulated cluster until node-0 sees every node with its full probe list, asks every
 * node for its details over the simulated gossip port, and returns what node-0 then holds.
 * The simulation itself (every node's copy of everyone's lists: hundreds of MiB at 200 nodes) is
 * garbage once this returns, so the agent process is about the size of a real agent's.
 */
async function converge(options: SimulatedAgentOptions): Promise<GossipSnapshot> {
  const { nodes, probes, log } = options;
  const startedMs = performance.now();
  const sim = new HealthSim(4200 + nodes);
  // Probe lists are set before each node starts, so they travel with the joins (no delta storm).
  for (let i = 0; i < nodes; i++) {
    const node = sim.add(i, i === 0 ? "master" : "node");
    node.health = { status: "running", probes: probeList(node.name, probes) };
    if (i > 0) void node.member.serf.join([{ ip: HealthSim.ipOf(0), port: 7946 }]).catch(() => {});
  }
  const node0 = sim.nodes.get("node-0")!;
  const complete = () => {
    const seen = node0.member.view.status().nodes ?? [];
    return seen.length === nodes && seen.every((n) => n.status === "running" && n.probes?.length === probes);
  };
  const tookMs = await sim.advanceUntil(complete, 600_000, 500);
  if (tookMs < 0) throw new Error(`node-0 did not see ${nodes} running nodes with ${probes} probes each within 600 simulated seconds`);
  log(`simulated cluster ready: ${nodes} nodes with ${probes} probes each after ${tookMs} simulated ms, ${Math.round(performance.now() - startedMs)} ms of wall time`);

  const details = new Map<string, NodeDetailsReply>();
  const asked = [...sim.nodes.values()].map((n) => (n.name === "node-0" ? sim.nodes.get("node-1")! : node0).member.probeSync.requestDetails(n.name, 5000).then((reply) => details.set(n.name, reply)));
  let answered = false;
  void Promise.allSettled(asked).then(() => (answered = true));
  if ((await sim.advanceUntil(() => answered, 10_000, 50)) < 0 || details.size < nodes) throw new Error(`only ${details.size} of ${nodes} nodes answered a details request within 10 simulated seconds`);
  const members = node0.member.members();
  return { members, remoteProbes: new Map(members.map((m) => [m.name, node0.member.probeSync.view(m.name)])), details, local: node0.health };
}

export async function serveSimulatedAgent(options: SimulatedAgentOptions): Promise<void> {
  const snapshot = await converge(options);
  // The simulation is garbage: collected now (off this stack frame, so no stale reference on it keeps it), not during the measurement.
  for (let round = 0; round < 3; round++) {
    await Bun.sleep(10);
    Bun.gc(true);
  }
  options.log(`heap after the simulation: ${Math.round(heapStats().heapSize / 1048576)} MiB`);
  const localName = "node-0";
  const localStatus = snapshot.local.status === "unknown" ? undefined : snapshot.local.status;
  const view = new ClusterView({
    localName,
    members: () => snapshot.members,
    local: () => ({ name: localName, node_name: localName, status: localStatus, probes: snapshot.local.probes }),
    monotonicMs: () => systemClock.monotonicMs(),
    wallMs: () => systemClock.nowMs(),
    stalenessLimitMs: 60_000,
    remoteProbes: (name) => snapshot.remoteProbes.get(name),
  });
  // As cluster-member.ts sets it up; an answer comes at once (no network time), each cached for 5 s.
  const remoteDetails = createRemoteDetails({
    clock: systemClock,
    request: async (name) => snapshot.details.get(name) ?? Promise.reject(new Error(`${name} is not in the simulated cluster`)),
    local: () => snapshot.details.get(localName)!,
    askable: (name) => snapshot.details.has(name),
    timeoutMs: 500,
    cacheMs: 5000,
    concurrency: 32,
  });
  const self = snapshot.members.find((m) => m.name === localName);
  const local = () => view.marked({ name: localName, node_name: localName, status: localStatus, probes: snapshot.local.probes, member_status: self ? memberStatusJson(self) : undefined });
  const status = clusterStatusSource({ view, withDetails: (nodes) => remoteDetails.enrich(nodes, localName) }, local);
  const app = createApp({
    clock: systemClock,
    status,
    history: createMemoryHistoryStore({ retentionMs: 86_400_000 }),
    readiness: () => [{ name: "probes", ok: true }],
    version: { version: "bench", gitCommit: "bench", gitTreeState: "clean" },
    statusCacheMs: options.statusCacheMs ?? STATUS_CACHE_MS,
  });
  const server = await listenHttp([{ host: "127.0.0.1", port: 0 }], (request, env) => app.fetch(request, env));
  options.log(`listening ${server.addresses[0]!.port}`);
  await new Promise<never>(() => {});
}
