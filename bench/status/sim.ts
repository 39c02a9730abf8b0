/**
 * Status propagation in the simulation: time from a fault (kill -9 of a node; a probe turning
 * failed on a node) until every surviving node's /status shows it, for N agents.
 * Usage: bun bench/status/sim.ts [--sizes=50,200] [--reps=5]
 */
import { join } from "node:path";
import { HealthSim } from "../../test/sim/health-cluster.ts";
import { percentile, report } from "../support/report.ts";

const args = Object.fromEntries(process.argv.slice(2).map((a) => a.replace(/^--/, "").split("=") as [string, string]));
const sizes = (args.sizes ?? "50,200").split(",").map(Number);
const reps = Number(args.reps ?? 5);

const rows: Record<string, string | number>[] = [];
const raw: Record<string, unknown> = {};
for (const n of sizes) {
  const wallStart = performance.now();
  const sim = new HealthSim(1000 + n);
  await sim.startCluster(n);
  const seesAll = () => sim.running().every((node) => sim.statusOn(node.name).nodes?.length === n);
  if ((await sim.advanceUntil(() => seesAll() && sim.allAgree("running", ""), 300_000)) < 0) throw new Error(`N=${n}: cluster did not converge`);
  const probeMs: number[] = [];
  const killMs: number[] = [];
  for (let r = 0; r < reps; r++) {
    const victim = `node-${1 + r * 2}`;
    sim.setHealth(victim, "degraded", [{ checker: "docker", status: "failed" }]);
    probeMs.push(await sim.advanceUntil(() => sim.allAgree("degraded", `degraded nodes: ${victim}`), 120_000, 20));
    sim.setHealth(victim, "running", []);
    await sim.advanceUntil(() => sim.allAgree("running", ""), 120_000, 100);
  }
  for (let r = 0; r < reps; r++) {
    const victim = `node-${2 + r * 2}`;
    await sim.kill(victim);
    killMs.push(await sim.advanceUntil(() => sim.running().every((node) => (sim.statusOn(node.name).summary ?? "").includes(victim)), 120_000, 50));
  }
  const p = (xs: number[], q: number) => Math.round(percentile(xs, q));
  rows.push({ N: n, "probe failed -> all see p50 ms": p(probeMs, 50), "p99 ms": p(probeMs, 99), "kill -9 -> all see p50 ms": p(killMs, 50), "p99 ms ": p(killMs, 99), "wall s": Math.round((performance.now() - wallStart) / 1000) });
  raw[`n${n}`] = { probeMs, killMs };
  const bytes = sim.network.totals().bytesSent;
  rows[rows.length - 1]!["gossip B/s per node"] = Math.round(bytes / n / (sim.clock.monotonicMs() / 1000));
}
report("status propagation (simulated cluster, LAN timings, simulated ms)", rows, join(import.meta.dir, "out/sim.json"), { reps, raw });
