/**
 * /status latency under concurrent load against one agent's API holding a 200-node view with
 * full probe lists.
 *
 * The agent is a child process: the real API (createApp over the real HTTP listener,
 * listenHttp) over a real ClusterView and remote-details cache, wired as the agent wires them,
 * holding what gossip delivered to node-0 of the simulated cluster of test/sim (HealthSim: N
 * cluster members — serf layer, health digests, probe-list sync — over a seeded simulated
 * network with the real wire codecs). Every node carries --probes probes with text, so its full
 * list reaches node-0 over probe-list sync; node-0 also asks every node for its details. Then
 * the simulation is dropped (each simulated node holds everyone's lists: it would make the
 * process a hundred times a real agent's size, and its garbage collections as slow) and the
 * view keeps what arrived, unchanged: a quiet cluster. `?details` answers come at once from
 * those answers (no network time), cached for 5 s as on an agent.
 *
 * The parent runs --clients concurrent clients, each requesting back to back, for --seconds per
 * row (GET /status, then GET /status?details), and prints p50/p90/p99/max latency, requests/s,
 * body size, the agent process's CPU and RSS, and the clients' CPU. Clients and agent share the machine's cores: read the
 * figures with the load average printed beside them.
 * Usage: bun bench/status/latency.ts [--nodes=200] [--probes=24] [--clients=16] [--seconds=10]
 */
import { join } from "node:path";
import { cpuSeconds } from "../support/process-cpu.ts";
import { percentile, report, rssMiB } from "../support/report.ts";

const args = Object.fromEntries(process.argv.slice(2).map((a) => a.replace(/^--/, "").split("=") as [string, string]));
const nodes = Number(args.nodes ?? 200);
const probes = Number(args.probes ?? 24);
const clients = Number(args.clients ?? 16);
const seconds = Number(args.seconds ?? 10);

if ("serve" in args) {
  const { serveSimulatedAgent } = await import("./latency-agent.ts");
  await serveSimulatedAgent({ nodes, probes, log: (line) => console.log(line) });
} else {
  await measure();
}

async function measure(): Promise<void> {
  const loadBefore = loadAverage();
  const setupStart = performance.now();
  const agent = Bun.spawn([process.execPath, import.meta.path, "--serve", `--nodes=${nodes}`, `--probes=${probes}`], { stdout: "pipe", stderr: "inherit" });
  try {
    const port = await readPort(agent.stdout);
    const setupS = (performance.now() - setupStart) / 1000;
    const base = `http://127.0.0.1:${port}`;
    const rows: Record<string, string | number>[] = [];
    for (const path of ["/status", "/status?details"]) {
      const probe = await fetch(`${base}${path}`);
      const bodyBytes = (await probe.arrayBuffer()).byteLength;
      const cpuStart = cpuSeconds(agent.pid);
      const clientCpuStart = process.cpuUsage();
      const { latenciesMs, wallS } = await load(`${base}${path}`, clients, seconds * 1000);
      const cpuS = cpuSeconds(agent.pid) - cpuStart;
      const clientCpu = process.cpuUsage(clientCpuStart);
      const q = (p: number) => Number(percentile(latenciesMs, p).toFixed(2));
      rows.push({ path, clients, requests: latenciesMs.length, "p50 ms": q(50), "p90 ms": q(90), "p99 ms": q(99), "max ms": Number(Math.max(...latenciesMs).toFixed(2)), "req/s": Math.round(latenciesMs.length / wallS), "body KiB": Math.round(bodyBytes / 1024), "agent CPU %": Math.round((100 * cpuS) / wallS), "agent RSS MiB": Math.round(rssMiB(agent.pid)), "clients' CPU %": Math.round((clientCpu.user + clientCpu.system) / 1e4 / wallS) });
    }
    const loadAfter = loadAverage();
    report(`/status under load: ${clients} clients, ${nodes}-node view with ${probes} probes per node (simulated cluster, real API), ${seconds} s per row, load average ${loadBefore} -> ${loadAfter}`, rows, join(import.meta.dir, "out/latency.json"), { nodes, probes, clients, seconds, setupS: Math.round(setupS), loadAverage: [loadBefore, loadAfter] });
  } finally {
    agent.kill("SIGKILL");
  }
}

/** `clients` loops, each requesting `url` back to back until `durationMs` passed; every response's latency in ms. */
async function load(url: string, clientCount: number, durationMs: number): Promise<{ latenciesMs: number[]; wallS: number }> {
  const latenciesMs: number[] = [];
  const start = performance.now();
  const deadline = start + durationMs;
  await Promise.all(
    Array.from({ length: clientCount }, async () => {
      while (performance.now() < deadline) {
        const sent = performance.now();
        const response = await fetch(url);
        await response.arrayBuffer();
        if (response.status !== 200) throw new Error(`GET ${url} answered ${response.status}: the simulated cluster should be running`);
        latenciesMs.push(performance.now() - sent);
      }
    }),
  );
  return { latenciesMs, wallS: (performance.now() - start) / 1000 };
}

/** Reads the agent's stdout until it prints `listening PORT`; other lines (progress) are echoed. */
async function readPort(stdout: ReadableStream<Uint8Array>): Promise<number> {
  const decoder = new TextDecoder();
  let text = "";
  for await (const chunk of stdout) {
    text += decoder.decode(chunk, { stream: true });
    const lines = text.split("\n");
    text = lines.pop() ?? "";
    for (const line of lines) {
      const port = line.match(/^listening (\d+)$/)?.[1];
      if (port) return Number(port);
      console.error(line);
    }
  }
  throw new Error("the simulated agent exited before it listened: see its output above");
}

function loadAverage(): string {
  const { loadavg } = require("node:os") as typeof import("node:os");
  return loadavg()[0]!.toFixed(1);
}
