/**
 * The measurements of the real-process gossip bench: join, kill, graceful leave, steady state
 * (CPU, RSS, gossip bytes) for one cluster. Times are ms from the triggering action.
 */
import { readFileSync } from "node:fs";
import { percentile } from "../support/report.ts";
import { waitFor } from "../../test/support/processes.ts";
import { GOSSIP_BASE_PORT, type Agent, type BenchCluster } from "./real-cluster.ts";

export interface Spread {
  n: number;
  p50: number | null;
  p99: number | null;
  max: number | null;
}

export function spread(values: (number | undefined | null)[]): Spread {
  const v = values.filter((x): x is number => typeof x === "number" && Number.isFinite(x));
  if (v.length === 0) return { n: 0, p50: null, p99: null, max: null };
  return { n: v.length, p50: percentile(v, 50), p99: percentile(v, 99), max: Math.max(...v) };
}

export interface JoinResult {
  name: string;
  ok: boolean;
  observers: number;
  /** Per observer: ms from spawn until it logged the join. */
  seen: Spread;
  /** ms until the new agent itself saw every observer. */
  newSeesAllMs: number | null;
}

export interface FailResult {
  name: string;
  ok: boolean;
  observers: number;
  seen: Spread;
  /** ms from the kill until each survivor logged "failed" (null: never). */
  perObserverMs: (number | null)[];
  missing: number;
}

export interface LeaveResult {
  name: string;
  ok: boolean;
  observers: number;
  seen: Spread;
  missing: number;
  /** Observers that logged "failed" for the leaving agent (it left gracefully: should be none). */
  sawFailed: string[];
  leaveCommandExit: number | null;
  processExitMs: number | null;
}

export interface SteadyResult {
  agents: number;
  windowS: number;
  rssMiB: Spread;
  /** RssAnon: memory private to the process (RSS minus pages of the executable shared with other processes). */
  privateMiB: Spread;
  cpuPct: Spread;
  udpBytesPerSecPerAgent: number;
  udpPacketsPerSecPerAgent: number;
  tcpBytesPerSecPerAgent: number;
}

/** Waits until the agent's gossip UDP port is bound (read from its own namespace's /proc view). */
export async function waitBound(agent: Agent, timeoutMs: number): Promise<void> {
  const hexPort = `:${agent.spec.gossipPort.toString(16).toUpperCase().padStart(4, "0")} `;
  await waitFor(() => {
    if (!agent.running) throw new Error(`agent ${agent.spec.name} exited early; last log lines:\n${agent.tail.join("\n")}`);
    return readFileSync(`/proc/${agent.pid}/net/udp`, "utf8").includes(hexPort);
  }, timeoutMs, `${agent.spec.name} to bind UDP port ${agent.spec.gossipPort}`).catch((error: unknown) => {
    if (!agent.running) throw new Error(`agent ${agent.spec.name} exited early (argv: ${agent.proc.pid}); last log lines:\n${agent.tail.join("\n")}`);
    throw error;
  });
}

export function seesAll(agent: Agent, names: string[]): boolean {
  return names.every((n) => n === agent.spec.name || agent.alive.has(n));
}

export async function measureJoin(cluster: BenchCluster, name: string, seed: Agent, timeoutMs: number): Promise<{ agent: Agent; result: JoinResult }> {
  const observers = cluster.live();
  const names = observers.map((o) => o.spec.name);
  const t0 = performance.now();
  const agent = cluster.start(name, seed.spec);
  let newSeesAll: number | null = null;
  const ok = await cluster.waitUntil(() => {
    if (newSeesAll === null && seesAll(agent, names)) newSeesAll = performance.now() - t0;
    return newSeesAll !== null && observers.every((o) => cluster.eventTime(o, "join", name, t0) !== undefined);
  }, timeoutMs);
  const seen = observers.map((o) => rel(cluster.eventTime(o, "join", name, t0), t0));
  return { agent, result: { name, ok, observers: observers.length, seen: spread(seen), newSeesAllMs: newSeesAll } };
}

export async function measureFail(cluster: BenchCluster, victim: Agent, timeoutMs: number): Promise<FailResult> {
  const observers = cluster.live().filter((o) => o !== victim);
  const t0 = performance.now();
  cluster.kill(victim);
  const name = victim.spec.name;
  const ok = await cluster.waitUntil(() => observers.every((o) => cluster.eventTime(o, "failed", name, t0) !== undefined), timeoutMs);
  const seen = observers.map((o) => rel(cluster.eventTime(o, "failed", name, t0), t0));
  return { name, ok, observers: observers.length, seen: spread(seen), perObserverMs: seen, missing: seen.filter((x) => x === null).length };
}

/** Graceful leave; `settleMs` after it, counts who ever logged the leaver as failed. */
export async function measureLeave(cluster: BenchCluster, leaver: Agent, timeoutMs: number, settleMs: number): Promise<LeaveResult> {
  const observers = cluster.live().filter((o) => o !== leaver);
  const name = leaver.spec.name;
  const t0 = performance.now();
  const command = cluster.leave(leaver);
  const ok = await cluster.waitUntil(() => observers.every((o) => cluster.eventTime(o, "leave", name, t0) !== undefined), timeoutMs);
  const seen = observers.map((o) => rel(cluster.eventTime(o, "leave", name, t0), t0));
  const commandResult = await command;
  // The agent should exit by itself after leaving; make sure it is gone either way.
  await cluster.waitUntil(() => !leaver.running, 10_000);
  if (leaver.running) cluster.kill(leaver);
  await Bun.sleep(settleMs);
  const sawFailed = observers.filter((o) => cluster.eventTime(o, "failed", name, t0) !== undefined).map((o) => o.spec.name);
  return {
    name,
    ok,
    observers: observers.length,
    seen: spread(seen),
    missing: seen.filter((x) => x === null).length,
    sawFailed,
    leaveCommandExit: commandResult.exitCode,
    processExitMs: leaver.tExit !== undefined ? leaver.tExit - t0 : null,
  };
}

/** Adds counting rules (no target) for gossip traffic on the namespace's loopback. */
export async function installCounters(cluster: BenchCluster): Promise<void> {
  const range = `${GOSSIP_BASE_PORT}:${GOSSIP_BASE_PORT + 9999}`;
  for (const rule of [["-p", "udp", "--dport", range], ["-p", "tcp", "--dport", range], ["-p", "tcp", "--sport", range]]) {
    const r = await cluster.net.exec(cluster.host, ["iptables", "-A", "INPUT", "-i", "lo", ...rule]);
    if (r.exitCode !== 0) throw new Error(`cannot add an iptables counting rule (${rule.join(" ")}): ${r.stderr.trim()}`);
  }
}

interface Counters {
  udpBytes: number;
  udpPackets: number;
  tcpBytes: number;
}

async function readCounters(cluster: BenchCluster): Promise<Counters> {
  const r = await cluster.net.exec(cluster.host, ["iptables", "-L", "INPUT", "-v", "-n", "-x"]);
  const c: Counters = { udpBytes: 0, udpPackets: 0, tcpBytes: 0 };
  for (const line of r.stdout.split("\n")) {
    if (!/\bdpt|spt/.test(line)) continue;
    const f = line.trim().split(/\s+/);
    const packets = Number(f[0]);
    const bytes = Number(f[1]);
    if (/\budp\b/.test(line)) {
      c.udpBytes += bytes;
      c.udpPackets += packets;
    } else c.tcpBytes += bytes;
  }
  return c;
}

/** CPU time (user + system, clock ticks of 10 ms) a process used so far. */
export function cpuTicks(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return Number(f[11]) + Number(f[12]);
  } catch {
    return null;
  }
}

function rss(pid: number, field = "VmRSS"): number | null {
  try {
    const kb = Number(readFileSync(`/proc/${pid}/status`, "utf8").match(new RegExp(`${field}:\\s+(\\d+)`))?.[1]);
    return kb / 1024;
  } catch {
    return null;
  }
}

/**
 * Every byte sent on loopback is also received there, so the INPUT counters divided by the number
 * of agents give each agent's traffic in one direction (IP and UDP/TCP headers included).
 */
export async function measureSteady(cluster: BenchCluster, windowMs: number): Promise<SteadyResult> {
  const agents = cluster.live();
  const c0 = await readCounters(cluster);
  const cpu0 = agents.map((a) => cpuTicks(a.pid));
  const t0 = performance.now();
  await Bun.sleep(windowMs);
  const c1 = await readCounters(cluster);
  const cpu1 = agents.map((a) => cpuTicks(a.pid));
  const dt = (performance.now() - t0) / 1000;
  const hz = 100; // USER_HZ
  const cpu = agents.map((_, i) => {
    const a = cpu0[i];
    const b = cpu1[i];
    return a == null || b == null ? null : ((b - a) / hz / dt) * 100;
  });
  const per = (x: number) => x / agents.length / dt;
  return {
    agents: agents.length,
    windowS: Number(dt.toFixed(1)),
    rssMiB: spread(agents.map((a) => rss(a.pid))),
    privateMiB: spread(agents.map((a) => rss(a.pid, "RssAnon"))),
    cpuPct: spread(cpu),
    udpBytesPerSecPerAgent: per(c1.udpBytes - c0.udpBytes),
    udpPacketsPerSecPerAgent: per(c1.udpPackets - c0.udpPackets),
    tcpBytesPerSecPerAgent: per(c1.tcpBytes - c0.tcpBytes),
  };
}

function rel(t: number | undefined, t0: number): number | null {
  return t === undefined ? null : t - t0;
}
