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
 * row (GET /status accepting gzip as fetch does by default, GET /status asking for the JSON as it
 * is, GET /status?details accepting gzip), then the same against a bare Bun.serve answering the
 * same bytes (bare-server.ts: the floor this machine and runtime allow), and prints
 * p50/p90/p99/max latency, requests/s, the JSON's and the sent body's size, each server's CPU
 * and RSS, and the clients' CPU. Clients are wrk when installed (--client=wrk|fetch;
 * load-clients.ts). Clients and servers share the machine's cores: read the figures with the
 * load average beside them, and against the bare server's of the same run.
 * Usage: bun bench/status/latency.ts [--nodes=200] [--probes=24] [--clients=16] [--seconds=10] [--client=wrk|fetch]
 *   [--cache-ms=N] (the API's status cache; the agent's STATUS_CACHE_MS unless given)
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cpuSeconds } from "../support/process-cpu.ts";
import { report, rssMiB } from "../support/report.ts";
import { serveBare } from "./bare-server.ts";
import { fetchLoad, wrkLoad } from "./load-clients.ts";

const args = Object.fromEntries(process.argv.slice(2).map((a) => a.replace(/^--/, "").split("=") as [string, string]));
const nodes = Number(args.nodes ?? 200);
const probes = Number(args.probes ?? 24);
const clients = Number(args.clients ?? 16);
const seconds = Number(args.seconds ?? 10);
const client = args.client ?? (Bun.which("wrk") ? "wrk" : "fetch");
if (client !== "wrk" && client !== "fetch") throw new Error(`--client=${client}: use wrk or fetch`);

if ("serve" in args) {
  const { serveSimulatedAgent } = await import("./latency-agent.ts");
  await serveSimulatedAgent({ nodes, probes, statusCacheMs: args["cache-ms"] === undefined ? undefined : Number(args["cache-ms"]), log: (line) => console.log(line) });
} else if (args["serve-bare"] !== undefined) {
  serveBare(args["serve-bare"], (line) => console.log(line));
} else {
  await measure();
}

interface Server {
  name: string;
  proc: ReturnType<typeof Bun.spawn>;
  base: string;
}

async function spawnServer(name: string, flags: string[]): Promise<Server> {
  const proc = Bun.spawn([process.execPath, import.meta.path, ...flags], { stdout: "pipe", stderr: "inherit" });
  try {
    return { name, proc, base: `http://127.0.0.1:${await readPort(proc.stdout)}` };
  } catch (error) {
    proc.kill("SIGKILL");
    throw error;
  }
}

async function measure(): Promise<void> {
  const loadBefore = loadAverage();
  const setupStart = performance.now();
  const servers: Server[] = [];
  const work = mkdtempSync(join(tmpdir(), "satellite-bench-status-latency-"));
  try {
    const agent = await spawnServer("agent", ["--serve", `--nodes=${nodes}`, `--probes=${probes}`, ...(args["cache-ms"] === undefined ? [] : [`--cache-ms=${args["cache-ms"]}`])]);
    servers.push(agent);
    const setupS = (performance.now() - setupStart) / 1000;
    const bodyPath = join(work, "status.json");
    writeFileSync(bodyPath, new Uint8Array(await (await fetch(`${agent.base}/status`, { headers: { "accept-encoding": "identity" } })).arrayBuffer()));
    const bare = await spawnServer("bare Bun.serve, same bytes", [`--serve-bare=${bodyPath}`]);
    servers.push(bare);
    const runs: [Server, string, string][] = [
      [agent, "/status", "gzip, deflate, br"],
      [agent, "/status", "identity"],
      [agent, "/status?details", "gzip, deflate, br"],
      [bare, "/status", "gzip, deflate, br"],
      [bare, "/status", "identity"],
    ];
    const rows: Record<string, string | number>[] = [];
    for (const [server, path, acceptEncoding] of runs) {
      const headers = { "accept-encoding": acceptEncoding };
      const probe = await fetch(`${server.base}${path}`, { headers });
      const bodyBytes = (await probe.arrayBuffer()).byteLength;
      const sentBytes = Number(probe.headers.get("content-length") ?? bodyBytes);
      const cpuStart = cpuSeconds(server.proc.pid);
      const run = { url: `${server.base}${path}`, headers, clients, durationMs: seconds * 1000 };
      const r = client === "wrk" ? await wrkLoad(run) : await fetchLoad(run);
      const cpuS = cpuSeconds(server.proc.pid) - cpuStart;
      const ms = (x: number) => Number(x.toFixed(2));
      rows.push({ server: server.name, path, "accept-encoding": acceptEncoding.split(",")[0]!, "sent as": probe.headers.get("content-encoding") ?? "identity", requests: r.requests, "p50 ms": ms(r.p50Ms), "p90 ms": ms(r.p90Ms), "p99 ms": ms(r.p99Ms), "max ms": ms(r.maxMs), "req/s": Math.round(r.requests / r.wallS), "JSON KiB": Math.round(bodyBytes / 1024), "sent KiB": Math.round(sentBytes / 1024), "server CPU %": Math.round((100 * cpuS) / r.wallS), "server RSS MiB": Math.round(rssMiB(server.proc.pid)), "clients' CPU %": Math.round((100 * r.clientCpuS) / r.wallS) });
    }
    const loadAfter = loadAverage();
    report(`/status under load: ${clients} ${client} clients back to back, ${nodes}-node view with ${probes} probes per node (simulated cluster, real API), ${seconds} s per row, load average ${loadBefore} -> ${loadAfter}`, rows, join(import.meta.dir, "out/latency.json"), { nodes, probes, clients, client, seconds, setupS: Math.round(setupS), loadAverage: [loadBefore, loadAfter] });
  } finally {
    for (const s of servers) s.proc.kill("SIGKILL");
    rmSync(work, { recursive: true, force: true });
  }
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
