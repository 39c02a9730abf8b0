/**
 * Real processes on loopback: K Satellite agents plus serf agents making a 50-member cluster.
 *  1. /status latency (p50/p99) and throughput under concurrent load against one agent with a
 *     50-member view, and whether probes keep their rhythm meanwhile (runs per 10 s);
 *  2. time from a fault (a probe turning failed; kill -9 of an agent) until every other
 *     Satellite agent's /status shows it.
 * Usage: bun bench/status/real.ts [--satellites=5] [--members=50] [--load-s=10] [--concurrency=16] [--reps=3]
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "../../test/wire/serf-agent.ts";
import { percentile, report } from "../support/report.ts";
import { agentStarted } from "../../test/support/processes.ts";

const args = Object.fromEntries(process.argv.slice(2).map((a) => a.replace(/^--/, "").split("=") as [string, string]));
const satellites = Number(args.satellites ?? 5);
const members = Number(args.members ?? 50);
const loadS = Number(args["load-s"] ?? 10);
const concurrency = Number(args.concurrency ?? 16);
const reps = Number(args.reps ?? 3);
const binary = join(import.meta.dir, "../../dist/satellite");
const work = mkdtempSync(join(tmpdir(), "satellite-bench-status-"));
const procs: ReturnType<typeof Bun.spawn>[] = [];
const cleanup = () => {
  for (const p of procs) p.kill("SIGKILL");
  rmSync(work, { recursive: true, force: true });
};
process.on("SIGINT", () => {
  cleanup();
  process.exit(130);
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(cond: () => Promise<boolean>, limitMs: number, what: string): Promise<number> {
  const start = performance.now();
  for (;;) {
    if (await cond().catch(() => false)) return performance.now() - start;
    if (performance.now() - start > limitMs) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}
const getJson = async (url: string) => (await fetch(url)).json() as Promise<{ status?: string; summary?: string; nodes?: unknown[] }>;

interface Agent {
  name: string;
  api: string;
  gossip: number;
  proc: ReturnType<typeof Bun.spawn>;
  target: { stop(closeActive?: boolean): void } | undefined;
  targetPort: number;
}

try {
  // Satellite agents, each with a 1 s tcp check on a listener this bench controls.
  const agents: Agent[] = [];
  for (let i = 0; i < satellites; i++) {
    const [api, gossip, targetPort] = [await freePort(), await freePort(), await freePort()];
    const target = Bun.listen({ hostname: "127.0.0.1", port: targetPort, socket: { data() {} } });
    const config = join(work, `sat-${i}.yaml`);
    writeFileSync(config, `defaultChecks: false\nchecks:\n  - {name: tick, kind: tcp, address: "127.0.0.1:${targetPort}", intervalMs: 1000, timeoutMs: 500}\n`);
    const seed = agents[0] ? ["--initial-cluster", `127.0.0.1:${agents[0].gossip}`] : [];
    const proc = Bun.spawn([binary, "agent", "--name", `sat-${i}`, "--tags", i === 0 ? "role:master" : "role:node", "--rpc-addr", `127.0.0.1:${api}`, "--gossip-addr", `127.0.0.1:${gossip}`, "--state-dir", join(work, `state-${i}`), "--config", config, ...seed], { stdout: "ignore", stderr: "ignore" });
    procs.push(proc);
    agents.push({ name: `sat-${i}`, api: `http://127.0.0.1:${api}`, gossip, proc, target, targetPort });
    await until(() => agentStarted(`http://127.0.0.1:${api}`), 10_000, `sat-${i} to start`);
  }
  // serf agents fill the cluster up to `members`.
  for (let i = satellites; i < members; i++) {
    const [bind, rpc] = [await freePort(), await freePort()];
    procs.push(Bun.spawn(["serf", "agent", `-node=serf-${i}`, `-bind=127.0.0.1:${bind}`, `-rpc-addr=127.0.0.1:${rpc}`, `-join=127.0.0.1:${agents[0]!.gossip}`], { stdout: "ignore", stderr: "ignore" }));
  }
  const all = (cond: (s: Awaited<ReturnType<typeof getJson>>, a: Agent) => boolean, among = agents) => async () => (await Promise.all(among.map(async (a) => cond(await getJson(`${a.api}/status`), a)))).every(Boolean);
  await until(all((s) => s.nodes?.length === members && s.status === "running"), 120_000, `every agent to see ${members} members, running`);

  // 1. /status under load, and probe rhythm.
  const probeRuns = async () => Number((await (await fetch(`${agents[0]!.api}/metrics`)).text()).match(/satellite_probe_duration_seconds_count\{checker="tick"\} (\d+)/)?.[1] ?? 0);
  const idleStart = await probeRuns();
  await sleep(loadS * 1000);
  const idleRuns = (await probeRuns()) - idleStart;
  const loadRows: Record<string, number>[] = [];
  for (const clients of [1, concurrency]) {
    const latencies: number[] = [];
    let errors = 0;
    const loadStart = await probeRuns();
    const deadline = performance.now() + loadS * 1000;
    await Promise.all(
      Array.from({ length: clients }, async () => {
        while (performance.now() < deadline) {
          const t = performance.now();
          const ok = await fetch(`${agents[0]!.api}/status`).then(async (r) => (await r.arrayBuffer(), r.status === 200), () => false);
          latencies.push(performance.now() - t);
          if (!ok) errors++;
        }
      }),
    );
    const loadRuns = (await probeRuns()) - loadStart;
    loadRows.push({ clients, requests: latencies.length, "req/s": Math.round(latencies.length / loadS), "p50 ms": +percentile(latencies, 50).toFixed(2), "p99 ms": +percentile(latencies, 99).toFixed(2), errors, "probe runs idle": idleRuns, "probe runs under load": loadRuns });
  }
  report(`/status under load (${members}-member view, ${loadS} s per row, load generator on the same 2 cores)`, loadRows, join(import.meta.dir, "out/real-load.json"));

  // 2. Fault -> every other Satellite agent's /status shows it.
  const probeMs: number[] = [];
  for (let r = 0; r < reps; r++) {
    const victim = agents[1 + (r % (satellites - 2))]!;
    victim.target?.stop(true);
    victim.target = undefined;
    probeMs.push(await until(all((s) => (s.summary ?? "").includes(`degraded nodes: ${victim.name}`), agents.filter((a) => a !== victim)), 30_000, `${victim.name} degraded everywhere`));
    victim.target = Bun.listen({ hostname: "127.0.0.1", port: victim.targetPort, socket: { data() {} } });
    await until(all((s) => s.status === "running"), 30_000, "running again");
  }
  const victim = agents[satellites - 1]!;
  victim.proc.kill("SIGKILL");
  const killMs = await until(all((s) => (s.summary ?? "").includes(victim.name), agents.slice(0, -1)), 60_000, `${victim.name} failed everywhere`);
  report(
    `fault -> every Satellite agent's /status shows it (${members} members, real processes on loopback)`,
    [{ "probe failed p50 ms": Math.round(percentile(probeMs, 50)), "probe failed max ms": Math.round(Math.max(...probeMs)), "kill -9 ms": Math.round(killMs) }],
    join(import.meta.dir, "out/real-faults.json"),
    { probeMs, killMs },
  );
} finally {
  cleanup();
}
// The bench's own listeners would keep the process alive.
process.exit(0);
