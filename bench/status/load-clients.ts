/**
 * Load generators for latency.ts: N clients, each requesting one URL back to back for a while.
 * `wrk` (C, when installed: `apt-get install wrk`) costs the machine little, so the figures are
 * the server's; fetch clients (one Bun process) decompress and parse like a real client, and
 * on 2 cores saturate before the agent does.
 */
import { percentile } from "../support/report.ts";

export interface LoadResult {
  requests: number;
  wallS: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  /** CPU seconds the clients used. */
  clientCpuS: number;
}

export interface LoadRun {
  url: string;
  headers: Record<string, string>;
  clients: number;
  durationMs: number;
}

export async function fetchLoad(run: LoadRun): Promise<LoadResult> {
  const latenciesMs: number[] = [];
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  const deadline = start + run.durationMs;
  await Promise.all(
    Array.from({ length: run.clients }, async () => {
      while (performance.now() < deadline) {
        const sent = performance.now();
        const response = await fetch(run.url, { headers: run.headers });
        await response.arrayBuffer();
        if (response.status !== 200) throw new Error(`GET ${run.url} answered ${response.status}: the simulated cluster should be running`);
        latenciesMs.push(performance.now() - sent);
      }
    }),
  );
  const cpu = process.cpuUsage(cpuStart);
  const q = (p: number) => percentile(latenciesMs, p);
  return { requests: latenciesMs.length, wallS: (performance.now() - start) / 1000, p50Ms: q(50), p90Ms: q(90), p99Ms: q(99), maxMs: Math.max(...latenciesMs), clientCpuS: (cpu.user + cpu.system) / 1e6 };
}

/** One wrk thread with `clients` connections; its latency distribution (wrk measures from the request's send). */
export async function wrkLoad(run: LoadRun): Promise<LoadResult> {
  const headerArgs = Object.entries(run.headers).flatMap(([k, v]) => ["-H", `${k}: ${v}`]);
  const seconds = Math.max(1, Math.round(run.durationMs / 1000));
  const proc = Bun.spawn(["wrk", "-t1", `-c${run.clients}`, `-d${seconds}s`, "--latency", ...headerArgs, run.url], { stdout: "pipe", stderr: "pipe" });
  const [out, err, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  if (code !== 0) throw new Error(`wrk exited with ${code}: ${err.trim() || out.trim()}`);
  const non2xx = out.match(/Non-2xx or 3xx responses: (\d+)/)?.[1];
  if (non2xx) throw new Error(`wrk got ${non2xx} answers other than 200 from ${run.url}: the simulated cluster should be running`);
  const percentileMs = (p: string) => durationMs(out.match(new RegExp(`^\\s*${p}%\\s+([\\d.]+\\w+)`, "m"))?.[1], `${p}%`, out);
  const requests = Number(out.match(/(\d+) requests in ([\d.]+)(\w+)/)?.[1] ?? Number.NaN);
  const usage = proc.resourceUsage();
  return {
    requests,
    wallS: seconds,
    p50Ms: percentileMs("50"),
    p90Ms: percentileMs("90"),
    p99Ms: percentileMs("99"),
    maxMs: durationMs(out.match(/Latency\s+\S+\s+\S+\s+([\d.]+\w+)/)?.[1], "max", out),
    clientCpuS: usage ? Number(usage.cpuTime.total) / 1e6 : Number.NaN,
  };
}

/** wrk's "779.00us", "9.21ms", "1.02s" in ms. */
function durationMs(text: string | undefined, what: string, output: string): number {
  const m = text?.match(/^([\d.]+)(us|ms|s|m)$/);
  if (!m) throw new Error(`wrk printed no ${what} latency; its output:\n${output}`);
  const scale = { us: 0.001, ms: 1, s: 1000, m: 60_000 }[m[2] as "us" | "ms" | "s" | "m"];
  return Number(m[1]) * scale;
}
