/**
 * statsd intake beside the reference statsd daemon (npm's `statsd`, run with node), fed the same
 * UDP packets (one counter line each, `bench.hits:1|c`) from this process on loopback:
 *  - packets/s handled without loss: rising send rates, `--seconds` each; a daemon's count of
 *    lines received (statsd: its management port's `counters`; Satellite:
 *    satellite_statsd_lines_total) against packets sent; the highest rate with none lost, and
 *    the highest with at most 1% lost (single losses come from scheduling on a shared machine);
 *  - CPU per 100k packets: the daemon's CPU seconds while it takes 100k packets at a rate both
 *    carry, less its idle CPU over as long.
 * Both flush far less often than a run lasts, so flushing is not measured. Reported as Satellite
 * / statsd ratios. The sender, both daemons and anything else on the machine share its 2 cores.
 * Usage: bun bench/statsd/run.ts [--seconds=2] [--rates=10000,20000,...] [--cpu-rate=20000] [--build]
 * Writes bench/statsd/out/run.json.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { agentStarted, freePort } from "../../test/support/processes.ts";
import { cpuSeconds, until } from "../support/process-cpu.ts";
import { report } from "../support/report.ts";

const args = Object.fromEntries(process.argv.slice(2).map((a) => a.replace(/^--/, "").split("=") as [string, string]));
const seconds = Number(args.seconds ?? 2);
const rates = (args.rates ?? "10000,20000,30000,40000,60000,80000,120000").split(",").map(Number);
const cpuRate = Number(args["cpu-rate"] ?? 20_000);
const root = join(import.meta.dir, "../..");
const binary = join(root, "dist/satellite");
const statsdMain = join(root, "node_modules/statsd/stats.js");
if (!existsSync(statsdMain) || !Bun.which("node")) {
  console.error("bench/statsd/run.ts: needs node and npm's statsd (npm install brings it as a dev dependency)");
  process.exit(2);
}
if (args.build !== undefined || !existsSync(binary)) {
  const built = Bun.spawnSync([join(root, "node_modules/.bin/bun"), "scripts/build.ts"], { cwd: root, stdout: "inherit", stderr: "inherit" });
  if (built.exitCode !== 0) throw new Error("build failed");
}

const work = mkdtempSync(join(tmpdir(), "satellite-bench-statsd-"));
const children: ReturnType<typeof Bun.spawn>[] = [];
process.on("exit", () => {
  for (const child of children) child.kill("SIGKILL");
  rmSync(work, { recursive: true, force: true });
});
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => process.exit(130));

interface Daemon {
  name: string;
  pid: number;
  port: number;
  /** Lines the daemon has taken in since it started. */
  received(): Promise<number>;
}

async function startStatsd(): Promise<Daemon> {
  const [port, mgmt] = [await freePort(), await freePort()];
  const config = join(work, "statsd-config.js");
  writeFileSync(config, `({ address: "127.0.0.1", port: ${port}, mgmt_address: "127.0.0.1", mgmt_port: ${mgmt}, backends: [], flushInterval: 3600000 })\n`);
  const child = Bun.spawn(["node", statsdMain, config], { cwd: join(root, "node_modules/statsd"), stdout: "ignore", stderr: "ignore" });
  children.push(child);
  const received = async (): Promise<number> => {
    const text = await mgmtCommand(mgmt, "counters");
    return Number(/'statsd\.metrics_received': (\d+)/.exec(text)?.[1] ?? Number.NaN);
  };
  await until(async () => Number.isFinite(await received()), 10_000, "statsd's management port");
  return { name: "statsd", pid: child.pid, port, received };
}

async function startSatellite(): Promise<Daemon> {
  const [api, gossip, port] = [await freePort(), await freePort(), await freePort()];
  const config = join(work, "satellite.yaml");
  writeFileSync(config, "defaultChecks: false\n");
  const argv = [binary, "agent", "--name", "bench", "--rpc-addr", `127.0.0.1:${api}`, "--gossip-addr", `127.0.0.1:${gossip}`, "--state-dir", join(work, "satellite"), "--config", config];
  argv.push("--statsd-addr", `127.0.0.1:${port}`, "--statsd-flush-interval", "1h");
  const child = Bun.spawn(argv, { stdout: "ignore", stderr: "ignore" });
  children.push(child);
  const received = async (): Promise<number> => {
    const text = await (await fetch(`http://127.0.0.1:${api}/metrics`)).text();
    return Number(/satellite_statsd_lines_total\{protocol="statsd"\} (\d+)/.exec(text)?.[1] ?? 0);
  };
  await until(() => agentStarted(`http://127.0.0.1:${api}`), 10_000, "the agent to start");
  return { name: "satellite", pid: child.pid, port, received };
}

/** One command on statsd's management port; resolves with what it printed before END. */
async function mgmtCommand(port: number, command: string): Promise<string> {
  let text = "";
  let done: () => void = () => {};
  const finished = new Promise<void>((resolve) => (done = resolve));
  const socket = await Bun.connect({
    hostname: "127.0.0.1",
    port,
    socket: {
      data: (_s, data) => {
        text += data.toString();
        if (text.includes("END")) done();
      },
      close: () => done(),
      error: () => done(),
    },
  });
  socket.write(`${command}\n`);
  await Promise.race([finished, Bun.sleep(2000)]);
  socket.end();
  return text;
}

const PACKET = new TextEncoder().encode("bench.hits:1|c");
const sender = await Bun.udpSocket({});

/**
 * Sends `rate` packets per second for `forSeconds` to `port`, paced every 2 ms, never more than
 * 3 ms worth at once: a late timer on the busy machine must not turn into a burst that overflows
 * the receiver's socket buffer (about 280 small datagrams by default) whatever the daemon does.
 * Returns packets sent and the rate reached (lower than asked when the sender falls behind).
 */
async function send(port: number, rate: number, forSeconds: number): Promise<{ sent: number; rate: number }> {
  const total = Math.round(rate * forSeconds);
  const burstMax = Math.max(1, Math.ceil(rate * 0.003));
  const start = performance.now();
  let sent = 0;
  const batch: (Uint8Array | number | string)[] = [];
  while (sent < total) {
    const due = Math.min(total, sent + burstMax, Math.floor(((performance.now() - start) / 1000) * rate) + 1);
    batch.length = 0;
    for (let i = sent; i < due; i++) batch.push(PACKET, port, "127.0.0.1");
    if (batch.length > 0) sent += sender.sendMany(batch as never);
    await Bun.sleep(2);
  }
  return { sent, rate: sent / ((performance.now() - start) / 1000) };
}

interface Step {
  target: number;
  achieved: number;
  sent: number;
  received: number;
  lostPercent: number;
}

async function lossSteps(daemon: Daemon): Promise<Step[]> {
  const steps: Step[] = [];
  for (const target of rates) {
    const before = await daemon.received();
    const { sent, rate } = await send(daemon.port, target, seconds);
    await Bun.sleep(500);
    const received = (await daemon.received()) - before;
    const step = { target, achieved: Math.round(rate), sent, received, lostPercent: (100 * (sent - received)) / sent };
    steps.push(step);
    console.log(`${daemon.name}: ${target}/s -> sent ${sent} at ${step.achieved}/s, received ${received} (${step.lostPercent.toFixed(2)}% lost)`);
    if (step.lostPercent > 5) break;
  }
  return steps;
}

async function cpuPer100k(daemon: Daemon): Promise<{ idle: number; busy: number; net: number }> {
  const windowS = 100_000 / cpuRate;
  const idleStart = cpuSeconds(daemon.pid);
  await Bun.sleep(windowS * 1000);
  const idle = cpuSeconds(daemon.pid) - idleStart;
  const busyStart = cpuSeconds(daemon.pid);
  await send(daemon.port, cpuRate, windowS);
  await Bun.sleep(300);
  const busy = cpuSeconds(daemon.pid) - busyStart;
  return { idle, busy, net: busy - idle };
}

const results: Record<string, { steps: Step[]; cpu: { idle: number; busy: number; net: number } }> = {};
for (const daemon of [await startStatsd(), await startSatellite()]) {
  await Bun.sleep(1000);
  const cpu = await cpuPer100k(daemon);
  const steps = await lossSteps(daemon);
  results[daemon.name] = { steps, cpu };
}

const noLoss = (steps: Step[]) => Math.max(0, ...steps.filter((s) => s.sent - s.received <= 0).map((s) => s.achieved));
const lossAtMost1 = (steps: Step[]) => Math.max(0, ...steps.filter((s) => s.lostPercent <= 1).map((s) => s.achieved));
const sat = results.satellite as (typeof results)[string];
const ref = results.statsd as (typeof results)[string];
const ratio = (a: number, b: number) => (b > 0 ? (a / b).toFixed(2) : "n/a");
const rows = [
  { measure: "packets/s without loss", satellite: noLoss(sat.steps), statsd: noLoss(ref.steps), "satellite/statsd": ratio(noLoss(sat.steps), noLoss(ref.steps)) },
  { measure: "packets/s with at most 1% lost", satellite: lossAtMost1(sat.steps), statsd: lossAtMost1(ref.steps), "satellite/statsd": ratio(lossAtMost1(sat.steps), lossAtMost1(ref.steps)) },
  { measure: `CPU s per 100k packets at ${cpuRate}/s (less idle)`, satellite: sat.cpu.net.toFixed(3), statsd: ref.cpu.net.toFixed(3), "satellite/statsd": ratio(sat.cpu.net, ref.cpu.net) },
  { measure: "idle CPU s over the same time", satellite: sat.cpu.idle.toFixed(3), statsd: ref.cpu.idle.toFixed(3), "satellite/statsd": "" },
];
report(`statsd intake: Satellite and the reference statsd (node ${Bun.spawnSync(["node", "--version"]).stdout.toString().trim()}), one counter line per UDP packet, ${seconds} s per rate`, rows, join(import.meta.dir, "out/run.json"), { seconds, rates, cpuRate, results });
process.exit(0);
