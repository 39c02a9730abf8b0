/**
 * The DNS interface beside dnsmasq, both answering the same names on loopback, measured with
 * Debian's dnsperf: queries per second with 100 queries outstanding, and latency at a fixed
 * rate both can carry. Satellite answers from a 3-agent cluster (compiled binary, the DNS port
 * of n1); dnsmasq answers the same names from a hosts file (`--local=/satellite/` makes it
 * authoritative for the domain, so unknown names are NXDOMAIN without forwarding). The query mix:
 * a node by name, a role with two nodes, a tag, and a name that does not exist. Reported as
 * Satellite / dnsmasq ratios, with each server's CPU seconds per 100k answers. dnsperf and both
 * servers share the machine's 2 cores.
 * Usage: bun bench/dns/run.ts [--seconds=5] [--rate=2000] [--build]
 * Writes bench/dns/out/run.json.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { agentStarted, freePort } from "../../test/support/processes.ts";
import { cpuSeconds, until } from "../support/process-cpu.ts";
import { report } from "../support/report.ts";

const args = Object.fromEntries(process.argv.slice(2).map((a) => a.replace(/^--/, "").split("=") as [string, string]));
const seconds = Number(args.seconds ?? 5);
const fixedRate = Number(args.rate ?? 2000);
const root = join(import.meta.dir, "../..");
const binary = join(root, "dist/satellite");
for (const tool of ["dnsperf", "dnsmasq", "dig"]) {
  if (!Bun.which(tool) && !existsSync(`/usr/sbin/${tool}`)) {
    console.error(`bench/dns/run.ts: ${tool} not found; scripts/install-test-deps.sh installs it`);
    process.exit(2);
  }
}
if (args.build !== undefined || !existsSync(binary)) {
  const built = Bun.spawnSync([join(root, "node_modules/.bin/bun"), "scripts/build.ts"], { cwd: root, stdout: "inherit", stderr: "inherit" });
  if (built.exitCode !== 0) throw new Error("build failed");
}

const work = mkdtempSync(join(tmpdir(), "satellite-bench-dns-"));
const children: ReturnType<typeof Bun.spawn>[] = [];
const cleanup = () => {
  for (const child of children) child.kill("SIGKILL");
  rmSync(work, { recursive: true, force: true });
};
process.on("exit", cleanup);
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => process.exit(130));

/** The same questions to both servers; every name answers NOERROR but the last (NXDOMAIN). */
const QUERIES = ["n2.node.satellite A", "node.role.satellite A", "yes.redis.tag.satellite A", "n1.node.satellite A", "nobody.node.satellite A"];

async function startSatellite(): Promise<{ pid: number; port: number }> {
  const config = join(work, "satellite.yaml");
  // The answer rate limit guards against forged sources; dnsperf is one source asking as fast as it can.
  writeFileSync(config, "defaultChecks: false\ndnsRateLimit: 10000000\nchecks:\n  - { name: app, kind: script, command: [\"/bin/true\"], intervalMs: 5000 }\n");
  const nodes = [
    { name: "n1", tags: "role=master" },
    { name: "n2", tags: "role=node,redis=yes" },
    { name: "n3", tags: "role=node" },
  ];
  let firstGossip = 0;
  let dnsPort = 0;
  let pid = 0;
  for (const [i, node] of nodes.entries()) {
    const [api, gossip, dns] = [await freePort(), await freePort(), await freePort()];
    const argv = [binary, "agent", "--name", node.name, "--tags", node.tags, "--profile", "local", "--rpc-addr", `127.0.0.1:${api}`, "--gossip-addr", `127.0.0.1:${gossip}`, "--state-dir", join(work, node.name), "--config", config];
    if (i === 0) argv.push("--dns-addr", `127.0.0.1:${dns}`);
    else argv.push("--initial-cluster", `127.0.0.1:${firstGossip}`);
    const child = Bun.spawn(argv, { stdout: "ignore", stderr: "ignore" });
    children.push(child);
    await until(() => agentStarted(`http://127.0.0.1:${api}`), 10_000, `${node.name} to start`);
    if (i === 0) {
      firstGossip = gossip;
      dnsPort = dns;
      pid = child.pid;
    }
  }
  await until(() => digShort(dnsPort, "node.role.satellite").length === 2, 30_000, "n1 to answer for both healthy nodes");
  return { pid, port: dnsPort };
}

async function startDnsmasq(): Promise<{ pid: number; port: number }> {
  const hosts = join(work, "hosts");
  // The answers Satellite gives on loopback: every node at 127.0.0.1, the role and the tag name too.
  writeFileSync(hosts, ["n1.node.satellite", "n2.node.satellite", "n3.node.satellite", "node.role.satellite", "yes.redis.tag.satellite"].map((name) => `127.0.0.1 ${name}`).join("\n") + "\n");
  const port = await freePort();
  const dnsmasq = Bun.which("dnsmasq") ?? "/usr/sbin/dnsmasq";
  const child = Bun.spawn([dnsmasq, "--keep-in-foreground", `--port=${port}`, "--listen-address=127.0.0.1", "--bind-interfaces", "--no-resolv", "--no-hosts", `--addn-hosts=${hosts}`, "--local=/satellite/", "--user=root", `--pid-file=${join(work, "dnsmasq.pid")}`, "--log-facility=-"], {
    stdout: "ignore",
    stderr: "ignore",
  });
  children.push(child);
  await until(() => digShort(port, "n2.node.satellite").length === 1, 10_000, "dnsmasq to answer");
  return { pid: child.pid, port };
}

function digShort(port: number, name: string): string[] {
  const out = Bun.spawnSync(["dig", "@127.0.0.1", "-p", String(port), "+short", "+time=1", "+tries=1", name], { stdout: "pipe" }).stdout.toString();
  return out.split("\n").filter((l) => /^\d/.test(l));
}

interface PerfResult {
  qps: number;
  avgLatencyMs: number;
  maxLatencyMs: number;
  lostPercent: number;
  answered: number;
  cpuSeconds: number;
}

/** One dnsperf run against `server`; `maxQps` 0 means as fast as 100 outstanding queries allow. */
function dnsperf(server: { pid: number; port: number }, maxQps: number): PerfResult {
  const file = join(work, "queries.txt");
  writeFileSync(file, `${QUERIES.join("\n")}\n`);
  const argv = ["dnsperf", "-s", "127.0.0.1", "-p", String(server.port), "-d", file, "-l", String(seconds), "-c", "4", "-q", "100", "-t", "2"];
  if (maxQps > 0) argv.push("-Q", String(maxQps));
  const cpuBefore = cpuSeconds(server.pid);
  const run = Bun.spawnSync(argv, { stdout: "pipe", stderr: "pipe", timeout: (seconds + 30) * 1000 });
  const cpu = cpuSeconds(server.pid) - cpuBefore;
  const out = run.stdout.toString();
  const num = (pattern: RegExp) => Number(pattern.exec(out)?.[1] ?? Number.NaN);
  const answered = num(/Queries completed:\s+(\d+)/);
  return {
    qps: num(/Queries per second:\s+([\d.]+)/),
    avgLatencyMs: num(/Average Latency \(s\):\s+([\d.]+)/) * 1000,
    maxLatencyMs: num(/Average Latency \(s\):\s+[\d.]+ \(min [\d.]+, max ([\d.]+)\)/) * 1000,
    lostPercent: num(/Queries lost:\s+\d+ \(([\d.]+)%\)/),
    answered,
    cpuSeconds: cpu,
  };
}

const servers = { satellite: await startSatellite(), dnsmasq: await startDnsmasq() };
const results: Record<string, { max: PerfResult; fixed: PerfResult }> = {};
for (const [name, server] of Object.entries(servers)) {
  // The fixed rate first: right after a run at full speed a server has used more CPU than its
  // neighbours, and on a shared machine the scheduler then wakes it later.
  const fixed = dnsperf(server, fixedRate);
  await Bun.sleep(1000);
  const max = dnsperf(server, 0);
  await Bun.sleep(1000);
  results[name] = { max, fixed };
  console.log(`${name}: ${max.qps.toFixed(0)} q/s at most, ${fixed.avgLatencyMs.toFixed(3)} ms average at ${fixedRate} q/s`);
}

const sat = results.satellite as { max: PerfResult; fixed: PerfResult };
const ref = results.dnsmasq as { max: PerfResult; fixed: PerfResult };
const per100k = (r: PerfResult) => (r.answered > 0 ? (r.cpuSeconds / r.answered) * 100_000 : Number.NaN);
const ratio = (a: number, b: number) => (b > 0 ? (a / b).toFixed(2) : "n/a");
const rows = [
  { measure: "queries/s, 100 outstanding", satellite: sat.max.qps.toFixed(0), dnsmasq: ref.max.qps.toFixed(0), "satellite/dnsmasq": ratio(sat.max.qps, ref.max.qps) },
  { measure: "avg latency ms, 100 outstanding", satellite: sat.max.avgLatencyMs.toFixed(3), dnsmasq: ref.max.avgLatencyMs.toFixed(3), "satellite/dnsmasq": ratio(sat.max.avgLatencyMs, ref.max.avgLatencyMs) },
  { measure: `avg latency ms at ${fixedRate} q/s`, satellite: sat.fixed.avgLatencyMs.toFixed(3), dnsmasq: ref.fixed.avgLatencyMs.toFixed(3), "satellite/dnsmasq": ratio(sat.fixed.avgLatencyMs, ref.fixed.avgLatencyMs) },
  { measure: `max latency ms at ${fixedRate} q/s`, satellite: sat.fixed.maxLatencyMs.toFixed(3), dnsmasq: ref.fixed.maxLatencyMs.toFixed(3), "satellite/dnsmasq": ratio(sat.fixed.maxLatencyMs, ref.fixed.maxLatencyMs) },
  { measure: "lost %, 100 outstanding", satellite: sat.max.lostPercent.toFixed(2), dnsmasq: ref.max.lostPercent.toFixed(2), "satellite/dnsmasq": "" },
  { measure: "server CPU s per 100k answers (max run)", satellite: per100k(sat.max).toFixed(2), dnsmasq: per100k(ref.max).toFixed(2), "satellite/dnsmasq": ratio(per100k(sat.max), per100k(ref.max)) },
];
report(`DNS: Satellite (n1 of 3 agents) and dnsmasq (hosts file), dnsperf ${seconds} s per run, query mix ${QUERIES.join(", ")}`, rows, join(import.meta.dir, "out/run.json"), { seconds, fixedRate, queries: QUERIES, results });
process.exit(0);
