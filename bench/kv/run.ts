/**
 * The key-value store on a 5-agent cluster, the replicated backend beside the etcd backend:
 * writes and reads per second with their p50 and p99 (closed-loop clients spread over the
 * agents' HTTP APIs), and the time from a write through one agent until every agent's API
 * reads the new value. Both clusters are the compiled binary on loopback, measured one after
 * the other; the etcd agents use `--kv-backend etcd` on a real etcd cluster (3 members by
 * default). The etcd backend is also measured in this process without an agent in between: the
 * floor the agent's API adds to. The agents' CPU per operation is summed over all 5 (a write
 * costs the agent that took it and, for the replicated store, the replicas). Everything shares
 * the machine's cores.
 * Usage: bun bench/kv/run.ts [--seconds=3] [--concurrency=16] [--rounds=20] [--etcd-members=3] [--build]
 * Writes bench/kv/out/run.json.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EtcdKvBackend } from "../../src/kv/etcd-kv-backend.ts";
import { systemClock } from "../../src/platform/clock.ts";
import { bunHttpFetch } from "../../src/platform/http-fetch.ts";
import { type EtcdCluster, hasEtcd, startEtcdCluster } from "../../test/kv/etcd-cluster.ts";
import { cpuSeconds } from "../support/process-cpu.ts";
import { report } from "../support/report.ts";
import { type BenchAgents, startAgents } from "./kv-agents.ts";
import { agentKvClient, backendKvClient } from "./kv-clients.ts";
import { type KvBenchClient, type LoadResult, closedLoop, timeUntilReadableEverywhere } from "./kv-load.ts";

const args = Object.fromEntries(process.argv.slice(2).map((a) => a.replace(/^--/, "").split("=") as [string, string]));
const seconds = Number(args.seconds ?? 3);
const concurrency = Number(args.concurrency ?? 16);
const rounds = Number(args.rounds ?? 20);
const etcdMembers = Number(args["etcd-members"] ?? 3);
const AGENTS = 5;
const VALUE = new Uint8Array(100).fill(0x61);
const READ_KEYS = 100;

const root = join(import.meta.dir, "../..");
const binary = join(root, "dist/satellite");
if (!hasEtcd) {
  console.error("bench/kv/run.ts: etcd not found; scripts/install-test-deps.sh installs it");
  process.exit(2);
}
if (args.build !== undefined || !existsSync(binary)) {
  const built = Bun.spawnSync([join(root, "node_modules/.bin/bun"), "scripts/build.ts"], { cwd: root, stdout: "inherit", stderr: "inherit" });
  if (built.exitCode !== 0) throw new Error("build failed");
}

const work = mkdtempSync(join(tmpdir(), "satellite-bench-kv-"));
let agents: BenchAgents | undefined;
let etcd: EtcdCluster | undefined;
const cleanup = () => {
  agents?.stop();
  void etcd?.stop();
  rmSync(work, { recursive: true, force: true });
};
process.on("exit", cleanup);
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => process.exit(130));

interface Measured {
  writes: LoadResult;
  reads: LoadResult;
  /** The agents' CPU milliseconds per write and per read (summed over all agents); NaN without agents. */
  writeCpuMs: number;
  readCpuMs: number;
  visible: { p50Ms: number; p99Ms: number; maxMs: number; timedOut: number };
}

/** Writes spread over `clients` (loop i uses client i mod n), then reads of known keys, then visibility through clients[0] to all. */
async function measure(clients: KvBenchClient[], pids: number[] = []): Promise<Measured> {
  const pick = (loop: number) => clients[loop % clients.length] as KvBenchClient;
  const agentsCpu = () => pids.reduce((sum, pid) => sum + cpuSeconds(pid), 0);
  const perOp = (cpuBefore: number, result: LoadResult) => (pids.length === 0 ? Number.NaN : ((agentsCpu() - cpuBefore) * 1000) / (result.perSecond * seconds));
  let cpuBefore = agentsCpu();
  const writes = await closedLoop(seconds, concurrency, (loop, n) => pick(loop).put(`bench/w/${loop}/${n % 1000}`, VALUE));
  const writeCpuMs = perOp(cpuBefore, writes);
  for (let i = 0; i < READ_KEYS; i++) await (clients[0] as KvBenchClient).put(`bench/r/${i}`, VALUE);
  cpuBefore = agentsCpu();
  const reads = await closedLoop(seconds, concurrency, async (loop, n) => {
    if ((await pick(loop + n).get(`bench/r/${(loop * 7 + n) % READ_KEYS}`)) === undefined) throw new Error("a key written before the read phase was missing");
  });
  const readCpuMs = perOp(cpuBefore, reads);
  const visible = await timeUntilReadableEverywhere(clients[0] as KvBenchClient, clients, rounds);
  return { writes, reads, writeCpuMs, readCpuMs, visible };
}

/** The replicated cluster, or why it could not be measured. */
async function measureAgents(kvArgs: string[], label: string): Promise<Measured | string> {
  try {
    agents = await startAgents(binary, work, AGENTS, kvArgs, label);
    const clients = agents.apis.map(agentKvClient);
    await clients[0]?.put("bench/probe", VALUE);
    return await measure(clients, agents.pids);
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    agents?.stop();
    agents = undefined;
  }
}

etcd = await startEtcdCluster(etcdMembers);
const direct = new EtcdKvBackend({ endpoints: etcd.endpoints, http: bunHttpFetch, clock: systemClock });
const inProcess = await measure([backendKvClient(direct)]);
await direct.close();
const onEtcd = await measureAgents(["--kv-backend", "etcd", "--kv-etcd-endpoints", etcd.endpoints.join(",")], "e");
await etcd.stop();
etcd = undefined;
const replicated = await measureAgents([], "r");

const fmt = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : "n/a");
const pickers: [string, (m: Measured) => number][] = [
  ["writes/s", (m) => m.writes.perSecond],
  ["write p50 ms", (m) => m.writes.p50Ms],
  ["write p99 ms", (m) => m.writes.p99Ms],
  ["reads/s", (m) => m.reads.perSecond],
  ["read p50 ms", (m) => m.reads.p50Ms],
  ["read p99 ms", (m) => m.reads.p99Ms],
  ["agents' CPU ms per write", (m) => m.writeCpuMs],
  ["agents' CPU ms per read", (m) => m.readCpuMs],
  ["readable on all 5, p50 ms", (m) => m.visible.p50Ms],
  ["readable on all 5, p99 ms", (m) => m.visible.p99Ms],
];
const value = (m: Measured | string, pick: (m: Measured) => number) => (typeof m === "string" ? Number.NaN : pick(m));
const rows = pickers.map(([name, pick]) => {
  const r = value(replicated, pick);
  const e = value(onEtcd, pick);
  return { measurement: name, replicated: fmt(r), "etcd backend": fmt(e), "replicated / etcd": fmt(r / e, 2), "etcd, no agent": fmt(pick(inProcess)) };
});
const errorsOf = (m: Measured | string) => (typeof m === "string" ? { failed: m } : { writeErrors: m.writes.errors, readErrors: m.reads.errors, firstError: m.writes.firstError ?? m.reads.firstError, visibleTimedOut: m.visible.timedOut });
report(`key-value store: ${AGENTS} agents, ${concurrency} clients, ${seconds}s per phase, 100-byte values; etcd with ${etcdMembers} member(s)`, rows, join(import.meta.dir, "out/run.json"), {
  seconds,
  concurrency,
  rounds,
  etcdMembers,
  replicated: errorsOf(replicated),
  etcd: errorsOf(onEtcd),
  inProcess: errorsOf(inProcess),
});
for (const [name, m] of [["replicated", replicated], ["etcd backend", onEtcd]] as const) {
  const problems = errorsOf(m);
  if ("failed" in problems || problems.writeErrors || problems.readErrors || problems.visibleTimedOut) console.log(`${name}: ${JSON.stringify(problems)}`);
}
process.exit(0);
