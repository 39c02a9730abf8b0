/**
 * What an idle agent costs its host, serf and Satellite side by side in one run: N agents of each
 * implementation form a cluster (one private network namespace each, on 127.0.0.1, LAN settings,
 * Satellite's built-in checks off unless --satellite-checks), and over one window every agent's CPU,
 * wakeups, RSS and private memory (RssAnon) are read from /proc. A bare compiled Bun program (a UDP
 * socket and a 200 ms timer) runs beside them: the runtime's floor, which no change in Satellite
 * can go under. All clusters run at the same time, so the machine's load hits each alike.
 *
 * Usage (root): bun bench/cost/idle.ts [--agents=5] [--window=60] [--settle=5]
 *   [--satellite=dist/satellite[,other-build...]] [--satellite-env=K=V[;K=V...]] [--satellite-config=YAML]
 *   [--satellite-checks] [--serf=serf]
 * More than one --satellite build (comma-separated) compares builds under the same load; each
 * --satellite-env set (separated by "|") adds a row of the first build run with those variables,
 * each --satellite-config text (separated by "|", "\n" for a new line) a row of it with that YAML
 * appended to its config file (e.g. --satellite-config='kv: { enabled: false }').
 * Writes bench/cost/out/idle.json.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { basename, join } from "node:path";
import { createTestNetwork, netnsUnavailableReason, type TestHost, type TestNetwork } from "../../test/support/netns.ts";
import { BenchCluster } from "../gossip/real-cluster.ts";
import { satelliteDriver, serfDriver, type Driver } from "../gossip/real-drivers.ts";
import { seesAll, waitBound } from "../gossip/real-measure.ts";
import { evictExecutables } from "../support/page-cache.ts";
import { report } from "../support/report.ts";
import { buildBareProgram, readCost, costDelta, summarise, type CostSample, type RowSummary } from "./idle-measure.ts";

const args = new Map(process.argv.slice(2).map((a) => { const [k, ...v] = a.replace(/^--/, "").split("="); return [k as string, v.length ? v.join("=") : "true"]; }));
const int = (key: string, fallback: number, max: number) => {
  const value = Number(args.get(key) ?? fallback);
  if (!Number.isInteger(value) || value < 1 || value > max) throw new Error(`--${key}=${args.get(key)}: expected an integer within 1..${max}`);
  return value;
};
const agents = int("agents", 5, 50);
const windowMs = int("window", 60, 3600) * 1000;
const settleMs = int("settle", 5, 600) * 1000;
const serfBinary = args.get("serf") ?? "serf";
const satelliteBuilds = (args.get("satellite") ?? join(import.meta.dir, "../../dist/satellite")).split(",");
const envSets = (args.get("satellite-env") ?? "").split("|").filter(Boolean).map(parseEnv);
const satelliteChecks = args.get("satellite-checks") === "true";
const configExtras = (args.get("satellite-config") ?? "").split("|").filter(Boolean).map((text) => `${text.replaceAll("\\n", "\n")}\n`);
const outDir = join(import.meta.dir, "out");

function parseEnv(set: string): Record<string, string> {
  return Object.fromEntries(set.split(";").map((pair) => {
    const at = pair.indexOf("=");
    if (at < 1) throw new Error(`--satellite-env: '${pair}' is not NAME=value`);
    return [pair.slice(0, at), pair.slice(at + 1)];
  }));
}

/** A driver whose agents run under `env` with extra variables (env execs, so the pid is the agent's). */
function withEnv(driver: Driver, env: Record<string, string>): Driver {
  const prefix = Object.keys(env).length ? ["env", ...Object.entries(env).map(([k, v]) => `${k}=${v}`)] : [];
  return { ...driver, agentArgv: (spec) => [...prefix, ...driver.agentArgv(spec)] };
}

interface Variant {
  label: string;
  driver: Driver;
}

const variants: Variant[] = [{ label: "serf", driver: serfDriver({ serfBinary, satelliteBinary: "", satelliteChecks }) }];
for (const build of satelliteBuilds) {
  if (!Bun.which(build)) throw new Error(`--satellite=${build}: no such executable; build it with: bun scripts/build.ts`);
  variants.push({ label: `satellite ${basename(build)}`, driver: satelliteDriver({ serfBinary, satelliteBinary: build, satelliteChecks }) });
}
for (const env of envSets) {
  const base = satelliteDriver({ serfBinary, satelliteBinary: satelliteBuilds[0] as string, satelliteChecks });
  variants.push({ label: `satellite ${basename(satelliteBuilds[0] as string)} ${Object.entries(env).map(([k, v]) => `${k}=${v}`).join(" ")}`, driver: withEnv(base, env) });
}

for (const extra of configExtras) {
  const driver = satelliteDriver({ serfBinary, satelliteBinary: satelliteBuilds[0] as string, satelliteChecks, satelliteConfigExtra: extra });
  variants.push({ label: `satellite ${basename(satelliteBuilds[0] as string)} ${extra.trim().replaceAll("\n", " ")}`, driver });
}

const unavailable = netnsUnavailableReason();
if (unavailable) {
  console.error(`bench/cost/idle.ts: ${unavailable}`);
  process.exit(2);
}
if (!Bun.which(serfBinary)) {
  console.error(`bench/cost/idle.ts: serf binary '${serfBinary}' not found (scripts/install-test-deps.sh installs serf)`);
  process.exit(2);
}

// Every build read from disk, as on a host after its install (bench/support/page-cache.ts).
for (const failure of evictExecutables([serfBinary, ...satelliteBuilds])) console.error(`note: not evicted from the page cache: ${failure}`);

const work = mkdtempSync(join(tmpdir(), "satellite-cost-bench-"));
process.on("exit", () => rmSync(work, { recursive: true, force: true }));
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => process.exit(130));
const log = (message: string) => console.error(`[${(performance.now() / 1000).toFixed(1)}s] ${message}`);

interface Running {
  variant: Variant;
  net: TestNetwork;
  cluster: BenchCluster;
}

/** N agents joined through the first; resolves once every agent's log shows every other alive. */
async function formCluster(variant: Variant, index: number): Promise<Running> {
  const net = await createTestNetwork({ hosts: 1, prefix: `satcost${index}`, maxLifetimeMs: windowMs + 10 * 60_000 });
  const cluster = new BenchCluster(net, net.hosts[0] as TestHost, variant.driver, join(work, `v${index}`), windowMs + 10 * 60_000);
  const seed = cluster.start("n0");
  await waitBound(seed, 30_000);
  for (let i = 1; i < agents; i++) cluster.start(`n${i}`, seed.spec);
  const names = [...cluster.agents.keys()];
  const formed = await cluster.waitUntil(() => cluster.live().length === agents && cluster.live().every((a) => seesAll(a, names)), 120_000);
  if (!formed) throw new Error(`${variant.label}: the ${agents} agents did not all see each other within 120 s`);
  return { variant, net, cluster };
}

const bare = await buildBareProgram(work);
const running: Running[] = [];
const bareProcs: ReturnType<typeof Bun.spawn>[] = [];
try {
  log(`forming ${variants.length} clusters of ${agents} agents (load ${loadavg()[0]?.toFixed(2)})`);
  running.push(...(await Promise.all(variants.map((v, i) => formCluster(v, i)))));
  for (let i = 0; i < agents; i++) bareProcs.push(Bun.spawn([bare], { stdout: "ignore", stderr: "ignore" }));
  await Bun.sleep(settleMs);
  const load0 = loadavg()[0] ?? 0;
  const before = new Map<number, CostSample>();
  const pids = [...running.flatMap((r) => r.cluster.live().map((a) => a.pid)), ...bareProcs.map((p) => p.pid)];
  for (const pid of pids) before.set(pid, readCost(pid));
  log(`measuring for ${windowMs / 1000} s`);
  await Bun.sleep(windowMs);
  const load1 = loadavg()[0] ?? 0;
  const rowOf = (label: string, group: number[]): RowSummary => summarise(label, group.map((pid) => costDelta(before.get(pid) as CostSample, readCost(pid))));
  const rows = running.map((r) => rowOf(r.variant.label, r.cluster.live().map((a) => a.pid)));
  rows.push(rowOf("bare compiled Bun program", bareProcs.map((p) => p.pid)));
  const serf = rows[0] as RowSummary;
  const ratio = (a: number, b: number) => (b > 0 ? (a / b).toFixed(2) : "-");
  report(
    `idle cost per agent, ${agents} agents per cluster, ${windowMs / 1000} s window (load average ${load0.toFixed(2)} -> ${load1.toFixed(2)}); ratios to serf`,
    rows.map((r) => ({
      impl: r.label,
      "CPU %": r.cpuPct.toFixed(3),
      "x serf CPU": ratio(r.cpuPct, serf.cpuPct),
      "wakeups/s": r.wakeupsPerSec.toFixed(1),
      "RSS MiB": r.rssMiB.toFixed(1),
      "x serf RSS": ratio(r.rssMiB, serf.rssMiB),
      "private MiB": r.privateMiB.toFixed(1),
      "x serf private": ratio(r.privateMiB, serf.privateMiB),
      threads: r.threads,
    })),
    join(outDir, "idle.json"),
    { agents, windowMs, settleMs, loadAverage: [load0, load1], satelliteChecks, rows },
  );
} finally {
  for (const p of bareProcs) p.kill("SIGKILL");
  await Promise.all(running.map(async (r) => {
    await r.cluster.stopAll();
    await r.net.destroy();
  }));
}
process.exit(0);
