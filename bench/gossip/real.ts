/**
 * Real gossip agents, serf and Satellite side by side in one run: join convergence, failure
 * detection after kill -9, graceful-leave propagation (and observers that wrongly saw "failed"),
 * gossip bytes/s, RSS and CPU per agent, and a join burst. Every agent runs in one private network
 * namespace with its own ports, gossiping on a loopback address of its own (127.0.x.y), as each
 * node of a cluster has its own; --shared-ip puts all on 127.0.0.1 (how serf's reference figures
 * were measured), where a seed's bound on concurrent streams from one peer address (8) refuses
 * most joiners of a burst.
 *
 * Usage (root): bun bench/gossip/real.ts [--sizes=5,20,50] [--impls=serf,satellite] [--reps=3] [--extra-kills=0]
 *   [--settle=3] [--window=60] [--burst=100] [--burst-reps=1] [--burst-timeout=180] [--hogs=0] [--shared-ip] [--satellite-checks]
 *   [--serf=serf] [--satellite=dist/satellite] [--keep-logs]
 * --sizes=none runs only the burst, --burst=0 skips it. --hogs=N runs N busy loops beside each burst
 * (one per core: "the burst with a CPU hog on each core"). --keep-logs writes every agent's log
 * (lines prefixed with ms since its spawn) to bench/gossip/out/logs/<impl>-<run>/.
 * Writes bench/gossip/out/real.json (and real-<impl>.json).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { setPriority, tmpdir } from "node:os";
import { join } from "node:path";
import { createTestNetwork, netnsUnavailableReason, type TestHost } from "../../test/support/netns.ts";
import { BenchCluster } from "./real-cluster.ts";
import { runBurst, type BurstResult } from "./real-burst.ts";
import { satelliteDriver, serfDriver, type Driver, type DriverOptions, type Impl } from "./real-drivers.ts";
import { log, runSize, type SizeResult } from "./real-size.ts";
import { printResults } from "./real-report.ts";
import { evictExecutables } from "../support/page-cache.ts";

const args = new Map(process.argv.slice(2).map((a) => { const [k, v] = a.replace(/^--/, "").split("="); return [k as string, v ?? "true"]; }));
const num = (key: string, fallback: number) => {
  const value = Number(args.get(key) ?? fallback);
  if (!Number.isFinite(value) || value < 0) throw new Error(`--${key}=${args.get(key)}: expected a non-negative number`);
  return value;
};
const sizesArg = args.get("sizes") ?? "5,20,50";
const sizes = sizesArg === "none" ? [] : sizesArg.split(",").map(Number);
if (sizes.some((n) => !Number.isInteger(n) || n < 3 || n > 250)) throw new Error(`--sizes=${args.get("sizes")}: expected integers within 3..250`);
const impls = (args.get("impls") ?? "serf,satellite").split(",") as Impl[];
if (impls.some((i) => i !== "serf" && i !== "satellite")) throw new Error(`--impls=${args.get("impls")}: expected serf and/or satellite`);
const options = {
  reps: num("reps", 3),
  extraKills: num("extra-kills", 0),
  settleMs: num("settle", 3) * 1000,
  windowMs: num("window", 60) * 1000,
  burst: num("burst", 100),
  burstReps: num("burst-reps", 1),
  burstTimeoutMs: num("burst-timeout", 180) * 1000,
  hogs: num("hogs", 0),
};
const driverOptions: DriverOptions = {
  serfBinary: args.get("serf") ?? "serf",
  satelliteBinary: args.get("satellite") ?? join(import.meta.dir, "../../dist/satellite"),
  satelliteChecks: args.get("satellite-checks") === "true",
};
const keepLogs = args.get("keep-logs") === "true";
const sharedIp = args.get("shared-ip") === "true";
const outDir = join(import.meta.dir, "out");
const drivers: Record<Impl, Driver> = { serf: serfDriver(driverOptions), satellite: satelliteDriver(driverOptions) };

const unavailable = netnsUnavailableReason();
if (unavailable) {
  console.error(`bench/gossip/real.ts: ${unavailable}`);
  process.exit(2);
}
for (const impl of impls) {
  const binary = impl === "serf" ? driverOptions.serfBinary : driverOptions.satelliteBinary;
  if (!Bun.which(binary)) {
    console.error(`bench/gossip/real.ts: ${impl} binary '${binary}' not found (${impl === "serf" ? "scripts/install-test-deps.sh installs serf" : "build it with: npx bun scripts/build.ts"})`);
    process.exit(2);
  }
}

// Every build read from disk, as on a host after its install (bench/support/page-cache.ts).
for (const failure of evictExecutables(impls.map((impl) => (impl === "serf" ? driverOptions.serfBinary : driverOptions.satelliteBinary)))) console.error(`note: not evicted from the page cache: ${failure}`);

// Log lines are timestamped when the bench reads them: keep the bench ahead of the agents in the
// scheduler (agents run at the usual nice 0), or a burst that saturates the CPUs delays the reading.
let agentNice = 0;
try {
  setPriority(-10);
  agentNice = 10;
} catch (error) {
  console.error(`bench/gossip/real.ts: cannot raise the bench's priority (${String(error)}); timestamps under full CPU load may lag`);
}

const work = mkdtempSync(join(tmpdir(), "satellite-gossip-bench-"));
process.on("exit", () => rmSync(work, { recursive: true, force: true }));
// The network harness's own exit hook kills the agents and deletes the namespace.
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => process.exit(130));

/** A fresh namespace and agent set for one measurement, always torn down. */
async function withCluster<T>(impl: Impl, label: string, body: (cluster: BenchCluster) => Promise<T>): Promise<T> {
  const net = await createTestNetwork({ hosts: 1, prefix: "satbench", maxLifetimeMs: 40 * 60_000 });
  const cluster = new BenchCluster(net, net.hosts[0] as TestHost, drivers[impl], join(work, `${impl}-${label}`), 30 * 60_000, keepLogs, agentNice, !sharedIp);
  try {
    return await body(cluster);
  } finally {
    await cluster.stopAll();
    if (keepLogs) log(`${impl} ${label}: ${cluster.writeLogs(join(outDir, "logs", `${impl}-${label}`))} agent logs in ${join(outDir, "logs", `${impl}-${label}`)}`);
    await net.destroy();
  }
}

log(sharedIp ? "every agent gossips on 127.0.0.1 (--shared-ip)" : "each agent gossips on a loopback address of its own (127.0.x.y)");
const results: Record<Impl, SizeResult[]> = { serf: [], satellite: [] };
const bursts: Record<Impl, (BurstResult | { error: string })[]> = { serf: [], satellite: [] };
for (const n of sizes) {
  for (const impl of impls) {
    log(`${impl} N=${n}: start`);
    try {
      const r = await withCluster(impl, `n${n}`, (cluster) => runSize(cluster, n, options, driverOptions.serfBinary));
      results[impl].push(r);
      log(`${impl} N=${n}: done ${JSON.stringify(r.summary)}`);
    } catch (error) {
      log(`${impl} N=${n}: FAILED ${String(error)}`);
      results[impl].push({ n, error: String(error) } as SizeResult);
    }
  }
}
if (options.burst > 0) {
  // Alternate the implementations, so a slow phase of the machine does not hit one of them only.
  for (let rep = 0; rep < options.burstReps; rep++) {
    for (const impl of impls) {
      log(`${impl} burst of ${options.burst} (#${rep + 1}): start`);
      try {
        const b = await withCluster(impl, `burst${rep + 1}`, (cluster) => runBurst(cluster, { count: options.burst, timeoutMs: options.burstTimeoutMs, serfBinary: driverOptions.serfBinary, hogs: options.hogs, hogNice: agentNice }));
        bursts[impl].push(b);
        log(`${impl} burst #${rep + 1}: ${JSON.stringify({ ...b, timeline: undefined })}`);
      } catch (error) {
        log(`${impl} burst #${rep + 1}: FAILED ${String(error)}`);
        bursts[impl].push({ error: String(error) });
      }
    }
  }
}
printResults({
  impls,
  results,
  bursts,
  options,
  versions: Object.fromEntries(impls.map((i) => [i, drivers[i].describe()])),
  outDir,
});
process.exit(0);
