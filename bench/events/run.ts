/**
 * 1,000 GET /events clients on one agent (the compiled binary, loopback):
 *  - delivery latency from publish (the event's `ts`) to a client's receipt, p50/p99/max;
 *  - the agent's CPU seconds and RSS with no clients and with the clients connected, at the
 *    same event rate: a script check every 250 ms (a ProbeRun each) that the bench makes fail
 *    and pass every second (ProbeFailed/ProbeSucceeded, NodeDegraded/NodeHealthy,
 *    ClusterDegraded/ClusterHealthy, NodeUpdated).
 * The clients are raw sockets in this process (HTTP/1.1, chunked bodies decoded here), so
 * fetch's connection limit does not queue them. The load generator shares the 2 cores.
 * Usage: bun bench/events/run.ts [--clients=1000] [--phase-s=15] [--build]
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { agentStarted, freePort } from "../../test/support/processes.ts";
import { percentile, report, rssMiB } from "../support/report.ts";

const args = Object.fromEntries(process.argv.slice(2).map((a) => a.replace(/^--/, "").split("=") as [string, string]));
const clientCount = Number(args.clients ?? 1000);
const phaseS = Number(args["phase-s"] ?? 15);
const root = join(import.meta.dir, "../..");
const binary = join(root, "dist/satellite");
if (args.build !== undefined || !existsSync(binary)) {
  const built = Bun.spawnSync([join(root, "node_modules/.bin/bun"), "scripts/build.ts"], { cwd: root, stdout: "inherit", stderr: "inherit" });
  if (built.exitCode !== 0) throw new Error("build failed");
}
const work = mkdtempSync(join(tmpdir(), "satellite-bench-events-"));
const flag = join(work, "fail");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const TICKS_PER_S = 100;

/** utime + stime of a process, in seconds (/proc/PID/stat fields 14 and 15). */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_S;
}

/** One SSE client on a raw socket: decodes the chunked body, records each event's delivery latency. */
class Client {
  latencies: number[] = [];
  events = 0;
  gaps = 0;
  status = 0;
  closed = false;
  private buffer = "";
  private body = "";
  private inBody = false;
  private socket: Awaited<ReturnType<typeof Bun.connect>> | undefined;

  async connect(port: number): Promise<void> {
    this.socket = await Bun.connect({
      hostname: "127.0.0.1",
      port,
      socket: {
        data: (_socket, data) => this.onData(data.toString("latin1")),
        close: () => void (this.closed = true),
        error: () => void (this.closed = true),
      },
    });
    this.socket.write(`GET /events HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAccept: text/event-stream\r\n\r\n`);
  }

  close(): void {
    this.socket?.end();
  }

  private onData(text: string): void {
    const now = Date.now();
    this.buffer += text;
    if (!this.inBody) {
      const end = this.buffer.indexOf("\r\n\r\n");
      if (end === -1) return;
      this.status = Number(this.buffer.slice(9, 12));
      this.buffer = this.buffer.slice(end + 4);
      this.inBody = true;
    }
    // Chunked transfer encoding: <hex size>\r\n<data>\r\n ...
    for (;;) {
      const lineEnd = this.buffer.indexOf("\r\n");
      if (lineEnd === -1) break;
      const size = Number.parseInt(this.buffer.slice(0, lineEnd), 16);
      if (this.buffer.length < lineEnd + 2 + size + 2) break;
      this.body += this.buffer.slice(lineEnd + 2, lineEnd + 2 + size);
      this.buffer = this.buffer.slice(lineEnd + 2 + size + 2);
    }
    for (let end = this.body.indexOf("\n\n"); end !== -1; end = this.body.indexOf("\n\n")) {
      const message = this.body.slice(0, end);
      this.body = this.body.slice(end + 2);
      if (message.includes("\nevent: gap\n") || message.startsWith("event: gap")) this.gaps++;
      const ts = message.match(/"ts":(\d+(?:\.\d+)?)/)?.[1];
      if (ts === undefined || !message.startsWith("id: ")) continue;
      this.events++;
      this.latencies.push(now - Number(ts));
    }
  }
}

const config = join(work, "satellite.yaml");
writeFileSync(config, `defaultChecks: false\nchecks:\n  - {name: flap, kind: script, command: ["/bin/sh", "-c", "test -e ${flag} && exit 2; exit 0"], intervalMs: 250, timeoutMs: 200}\n`);
const port = await freePort();
const agent = Bun.spawn([binary, "agent", "--rpc-addr", `127.0.0.1:${port}`, "--gossip-addr", "127.0.0.1:0", "--state-dir", join(work, "state"), "--name", "bench", "--config", config], { stdout: "ignore", stderr: "ignore" });
let flapping = true;
const flapper = (async () => {
  while (flapping) {
    writeFileSync(flag, "");
    await sleep(1000);
    rmSync(flag, { force: true });
    await sleep(1000);
  }
})();

try {
  for (let i = 0; ; i++) {
    if (await agentStarted(`http://127.0.0.1:${port}`)) break;
    if (i > 200) throw new Error("the agent did not start");
    await sleep(50);
  }
  await sleep(3000);

  // Phase 1: the same event flow, nobody listening.
  const idleCpu0 = cpuSeconds(agent.pid);
  const rssIdle = rssMiB(agent.pid);
  await sleep(phaseS * 1000);
  const idleCpu = cpuSeconds(agent.pid) - idleCpu0;
  const rssIdleEnd = rssMiB(agent.pid);

  // Phase 2: the clients connect, then the same time with them.
  const connectStart = performance.now();
  const clients = Array.from({ length: clientCount }, () => new Client());
  for (let i = 0; i < clients.length; i += 100) await Promise.all(clients.slice(i, i + 100).map((c) => c.connect(port)));
  while (clients.some((c) => c.status === 0) && performance.now() - connectStart < 30_000) await sleep(20);
  const connectMs = performance.now() - connectStart;
  const answered = clients.filter((c) => c.status === 200).length;
  await sleep(2000);
  for (const c of clients) c.latencies = [];
  const busyCpu0 = cpuSeconds(agent.pid);
  const benchCpu0 = process.cpuUsage();
  let rssBusyMax = 0;
  const deadline = performance.now() + phaseS * 1000;
  while (performance.now() < deadline) {
    rssBusyMax = Math.max(rssBusyMax, rssMiB(agent.pid));
    await sleep(500);
  }
  const busyCpu = cpuSeconds(agent.pid) - busyCpu0;
  const benchCpu = process.cpuUsage(benchCpu0);
  const loadAverage = readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
  const latencies = clients.flatMap((c) => c.latencies);
  const perClient = clients.map((c) => c.latencies.length);
  const gaps = clients.reduce((n, c) => n + c.gaps, 0);
  for (const c of clients) c.close();
  await sleep(2000);
  const rssAfter = rssMiB(agent.pid);
  const stillClosed = clients.filter((c) => c.closed).length;

  report(
    `GET /events with ${clientCount} clients on loopback (${phaseS} s per phase; a script check every 250 ms flipped every second; load generator on the same 2 cores)`,
    [
      {
        clients: 0,
        "events/client": "-",
        "latency p50 ms": "-",
        "latency p99 ms": "-",
        "latency max ms": "-",
        "agent CPU s": +idleCpu.toFixed(2),
        "agent CPU %": +((idleCpu / phaseS) * 100).toFixed(1),
        "RSS MiB": `${rssIdle.toFixed(1)} -> ${rssIdleEnd.toFixed(1)}`,
      },
      {
        clients: answered,
        "events/client": `${Math.min(...perClient)}-${Math.max(...perClient)}`,
        "latency p50 ms": +percentile(latencies, 50).toFixed(1),
        "latency p99 ms": +percentile(latencies, 99).toFixed(1),
        "latency max ms": +Math.max(...latencies).toFixed(1),
        "agent CPU s": +busyCpu.toFixed(2),
        "agent CPU %": +((busyCpu / phaseS) * 100).toFixed(1),
        "RSS MiB": `max ${rssBusyMax.toFixed(1)}, ${rssAfter.toFixed(1)} after they left`,
      },
    ],
    join(import.meta.dir, "out/run.json"),
    { connectMs: Math.round(connectMs), deliveries: latencies.length, gaps, closedAfterwards: stillClosed, clientsCpuS: (benchCpu.user + benchCpu.system) / 1e6, loadAverage },
  );
  console.log(`connect ${clientCount} clients: ${Math.round(connectMs)} ms; ${latencies.length} deliveries; gap notices: ${gaps}`);
  console.log(`the clients' own CPU: ${((benchCpu.user + benchCpu.system) / 1e6).toFixed(2)} s; load average at the end: ${loadAverage} (2 cores)`);
} finally {
  flapping = false;
  await flapper;
  agent.kill("SIGTERM");
  await agent.exited;
  rmSync(work, { recursive: true, force: true });
}
process.exit(0);
