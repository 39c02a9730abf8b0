/**
 * Probe lists over gossip with real processes, side by side with serf in one run: N agents of
 * each on 127.0.0.1 in a private network namespace (as bench/gossip/real.ts), then
 *   - serf: gossip bytes per agent over a steady window;
 *   - Satellite, every agent with a tcp and a disk-space check (its probe list): bytes over the same steady
 *     window, then with churn (10 % of the agents flap one script check every 10 s), then the
 *     time from a probe failing on one agent (its "state change" log line) until every other
 *     agent logged that change ("cluster change type=ProbeFailed node=..."), which is when its
 *     error text is in their /status.
 * Usage (root): bun bench/gossip/real-probes.ts [--n=50] [--window=120] [--trials=5] [--serf=serf] [--satellite=dist/satellite]
 * Writes bench/gossip/out/real-probes.json.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTestNetwork, netnsUnavailableReason, type TestHost } from "../../test/support/netns.ts";
import { percentile, report } from "../support/report.ts";
import { BenchCluster, type Agent } from "./real-cluster.ts";
import { satelliteDriver, serfDriver, type AgentSpec, type Driver, type DriverOptions } from "./real-drivers.ts";
import { installCounters, measureSteady, seesAll, waitBound, type SteadyResult } from "./real-measure.ts";
import { log } from "./real-size.ts";

const args = new Map(process.argv.slice(2).map((a) => { const [k, v] = a.replace(/^--/, "").split("="); return [k as string, v ?? "true"]; }));
const n = Number(args.get("n") ?? 50);
const windowMs = Number(args.get("window") ?? 120) * 1000;
const trials = Number(args.get("trials") ?? 5);
const driverOptions: DriverOptions = {
  serfBinary: args.get("serf") ?? "serf",
  satelliteBinary: args.get("satellite") ?? join(import.meta.dir, "../../dist/satellite"),
  satelliteChecks: false,
};
const unavailable = netnsUnavailableReason();
if (unavailable || !existsSync(driverOptions.satelliteBinary) || !Bun.which(driverOptions.serfBinary)) {
  console.error(`bench/gossip/real-probes.ts: ${unavailable ?? "needs dist/satellite (npx bun scripts/build.ts) and serf (scripts/install-test-deps.sh)"}`);
  process.exit(2);
}

const work = mkdtempSync(join(tmpdir(), "satellite-probes-bench-"));
process.on("exit", () => rmSync(work, { recursive: true, force: true }));
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => process.exit(130));

const flagOf = (name: string) => join(work, `fail-${name}`);
const isFlapper = (index: number) => index % 10 === 5;
const isTrialNode = (index: number) => index % 10 === 7;

/** Satellite with a probe list: a tcp and a disk-space check everywhere (no process per run), and a script check on the nodes that flap or fail. */
function satelliteWithChecks(): Driver {
  const base = satelliteDriver(driverOptions);
  return {
    ...base,
    agentArgv(spec: AgentSpec) {
      const argv = base.agentArgv(spec);
      const index = Number(spec.name.slice(1));
      const lines = [
        "defaultChecks: false",
        "checks:",
        `  - { name: api, kind: tcp, address: "127.0.0.1:${spec.rpcPort}", intervalMs: 10000 }`,
        // Not a tcp check on the gossip port: its connections would count as gossip traffic.
        `  - { name: disk, kind: disk-space, path: ${JSON.stringify(spec.dir)}, intervalMs: 10000 }`,
      ];
      if (isFlapper(index) || isTrialNode(index)) {
        const script = `test ! -e ${flagOf(spec.name)} || { echo 'CRITICAL - volume /data is 97% full on ${spec.name}'; exit 2; }`;
        lines.push(`  - { name: volume, kind: script, command: ["/bin/sh", "-c", ${JSON.stringify(script)}], intervalMs: ${isFlapper(index) ? 2000 : 1000} }`);
      }
      writeFileSync(join(spec.dir, "bench.yaml"), `${lines.join("\n")}\n`);
      return argv;
    },
  };
}

async function withCluster<T>(driver: Driver, label: string, body: (cluster: BenchCluster) => Promise<T>): Promise<T> {
  const net = await createTestNetwork({ hosts: 1, prefix: "satprb", maxLifetimeMs: 30 * 60_000 });
  const cluster = new BenchCluster(net, net.hosts[0] as TestHost, driver, join(work, label), 25 * 60_000, true);
  try {
    return await body(cluster);
  } finally {
    await cluster.stopAll();
    await net.destroy();
  }
}

async function form(cluster: BenchCluster): Promise<Agent[]> {
  await installCounters(cluster);
  const seed = cluster.start("n0");
  await waitBound(seed, 20_000);
  for (let i = 1; i < n; i++) {
    const name = `n${i}`;
    const t = performance.now();
    cluster.start(name, seed.spec);
    if (!(await cluster.waitUntil(() => cluster.eventTime(seed, "join", name, t) !== undefined, 20_000))) throw new Error(`seed never logged ${name} joining`);
  }
  const names = cluster.live().map((a) => a.spec.name);
  if (!(await cluster.waitUntil(() => cluster.live().every((a) => seesAll(a, names)), 180_000))) throw new Error(`the ${n} agents did not all see each other within 180 s`);
  return cluster.live();
}

/** Arrival time (bench clock) of the first log line of `agent` matching `pattern` after `after`. */
function lineTime(agent: Agent, pattern: RegExp, after: number): number | undefined {
  for (const entry of agent.log ?? []) {
    const match = /^\+(\d+)ms (.*)$/.exec(entry);
    if (!match) continue;
    const t = agent.tSpawn + Number(match[1]);
    if (t >= after && pattern.test(match[2] as string)) return t;
  }
  return undefined;
}

const perAgent = (s: SteadyResult) => s.udpBytesPerSecPerAgent + s.tcpBytesPerSecPerAgent;

/** Sums of the agents' own counters: probe-list bytes and pulls, push/pulls (read from each agent's /metrics). */
async function scrape(cluster: BenchCluster): Promise<Record<string, number>> {
  const sums: Record<string, number> = {};
  for (const agent of cluster.live()) {
    const r = await cluster.net.exec(cluster.host, ["curl", "-s", `http://127.0.0.1:${agent.spec.rpcPort}/metrics`], 10_000);
    for (const line of r.stdout.split("\n")) {
      const m = /^(satellite_probe_list_(?:bytes|pulls|deltas)_total|satellite_gossip_push_pulls_total)\{(\w+)="(\w+)"\} (\d+)/.exec(line);
      if (m) sums[`${m[1]}{${m[3]}}`] = (sums[`${m[1]}{${m[3]}}`] ?? 0) + Number(m[4]);
    }
  }
  return sums;
}

/** Per agent and second, the growth of each counter between two scrapes. */
function rates(before: Record<string, number>, after: Record<string, number>, agents: number, ms: number): Record<string, number> {
  return Object.fromEntries(Object.keys(after).map((k) => [k, Number((((after[k] ?? 0) - (before[k] ?? 0)) / agents / (ms / 1000)).toFixed(3))]));
}

log(`serf N=${n}: start`);
const serf = await withCluster(serfDriver(driverOptions), "serf", async (cluster) => {
  await form(cluster);
  await Bun.sleep(10_000);
  return measureSteady(cluster, windowMs);
});
log(`serf N=${n}: ${perAgent(serf).toFixed(0)} B/s per agent`);

log(`satellite N=${n}: start`);
const satellite = await withCluster(satelliteWithChecks(), "satellite", async (cluster) => {
  const agents = await form(cluster);
  await Bun.sleep(20_000);
  const c0 = await scrape(cluster);
  const steady = await measureSteady(cluster, windowMs);
  const c1 = await scrape(cluster);
  const steadyCounters = rates(c0, c1, agents.length, windowMs);
  log(`satellite steady: ${perAgent(steady).toFixed(0)} B/s per agent; counters per agent and second: ${JSON.stringify(steadyCounters)}`);

  const flappers = agents.filter((a) => isFlapper(Number(a.spec.name.slice(1))));
  let on = false;
  const flip = () => {
    on = !on;
    for (const a of flappers) on ? writeFileSync(flagOf(a.spec.name), "") : rmSync(flagOf(a.spec.name), { force: true });
  };
  flip();
  const timer = setInterval(flip, 10_000);
  const c2 = await scrape(cluster);
  const churn = await measureSteady(cluster, windowMs);
  const churnCounters = rates(c2, await scrape(cluster), agents.length, windowMs);
  clearInterval(timer);
  log(`satellite churn counters per agent and second: ${JSON.stringify(churnCounters)}`);
  for (const a of flappers) rmSync(flagOf(a.spec.name), { force: true });
  log(`satellite churn: ${perAgent(churn).toFixed(0)} B/s per agent`);
  await Bun.sleep(15_000);

  const latencies: number[] = [];
  const trialNodes = agents.filter((a) => isTrialNode(Number(a.spec.name.slice(1))));
  for (let t = 0; t < trials; t++) {
    const owner = trialNodes[t % trialNodes.length] as Agent;
    const start = performance.now();
    writeFileSync(flagOf(owner.spec.name), "");
    const others = agents.filter((a) => a !== owner);
    // logfmt (msg="cluster change" type=...) or text (cluster change type=...).
    const seen = new RegExp(`cluster change"? type=ProbeFailed node=${owner.spec.name} probe=volume`);
    await cluster.waitUntil(() => others.every((a) => lineTime(a, seen, start) !== undefined), 30_000);
    const failedAt = lineTime(owner, /state change"? type=ProbeFailed probe=volume/, start);
    if (failedAt !== undefined) for (const a of others) {
      const at = lineTime(a, seen, start);
      if (at !== undefined) latencies.push(at - failedAt);
    }
    rmSync(flagOf(owner.spec.name), { force: true });
    await Bun.sleep(8000);
  }
  return { steady, churn, latencies, steadyCounters, churnCounters };
});

const row = {
  n,
  "serf B/s/agent": perAgent(serf).toFixed(0),
  "satellite steady B/s/agent": perAgent(satellite.steady).toFixed(0),
  "steady / serf": (perAgent(satellite.steady) / perAgent(serf)).toFixed(2),
  "satellite churn B/s/agent": perAgent(satellite.churn).toFixed(0),
  "churn / serf": (perAgent(satellite.churn) / perAgent(serf)).toFixed(2),
  "text everywhere p50 ms": percentile(satellite.latencies, 50).toFixed(1),
  "p99 ms": percentile(satellite.latencies, 99).toFixed(1),
  samples: satellite.latencies.length,
};
report("probe lists over gossip, real processes beside serf (UDP + TCP on loopback, headers included)", [row], join(import.meta.dir, "out/real-probes.json"), { serf, satellite: { steady: satellite.steady, churn: satellite.churn, steadyCounters: satellite.steadyCounters, churnCounters: satellite.churnCounters }, windowMs });
process.exit(0);
