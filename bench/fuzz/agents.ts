/**
 * The agents under fuzz: real `dist/satellite` processes on 127.0.0.1, their /livez latency
 * sampled all along, their gossip counters read from /metrics.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { agentStarted, freePort } from "../../test/support/processes.ts";
import { percentile, rssMiB } from "../support/report.ts";

export interface FuzzAgent {
  name: string;
  gossipPort: number;
  api: string;
  proc: ReturnType<typeof Bun.spawn>;
}

export async function startAgent(binary: string, work: string, name: string, options: { keyBase64?: string; join?: FuzzAgent }): Promise<FuzzAgent> {
  const [apiPort, gossipPort] = [await freePort(), await freePort()];
  const config = join(work, `${name}.yaml`);
  writeFileSync(config, "defaultChecks: false\n");
  const argv = [binary, "agent", "--name", name, "--tags", options.join ? "role:node" : "role:master", "--rpc-addr", `127.0.0.1:${apiPort}`, "--gossip-addr", `127.0.0.1:${gossipPort}`, "--state-dir", join(work, `state-${name}`), "--config", config];
  if (options.keyBase64) {
    const keyFile = join(work, `${name}.key`);
    writeFileSync(keyFile, `${options.keyBase64}\n`, { mode: 0o600 });
    argv.push("--encrypt-file", keyFile);
  }
  if (options.join) argv.push("--initial-cluster", `127.0.0.1:${options.join.gossipPort}`);
  const proc = Bun.spawn(argv, { stdout: "ignore", stderr: Bun.file(join(work, `${name}.log`)) });
  const agent = { name, gossipPort, api: `http://127.0.0.1:${apiPort}`, proc };
  const started = performance.now();
  while (!(await agentStarted(agent.api))) {
    if (proc.exitCode !== null) throw new Error(`${name} exited with ${proc.exitCode} at start (log: ${join(work, `${name}.log`)})`);
    if (performance.now() - started > 20_000) throw new Error(`${name} did not start within 20 s`);
    await Bun.sleep(50);
  }
  return agent;
}

/** Names of the members `agent` sees alive. */
export async function aliveMembers(agent: FuzzAgent): Promise<string[]> {
  const body = (await (await fetch(`${agent.api}/members`)).json()) as { members: { name: string; status: string }[] };
  return body.members.filter((m) => m.status === "alive").map((m) => m.name).sort();
}

/** Every `satellite_gossip_*` sample of the agent's /metrics, by its full name with labels. */
export async function gossipCounters(agent: FuzzAgent): Promise<Record<string, number>> {
  const text = await (await fetch(`${agent.api}/metrics`)).text();
  const out: Record<string, number> = {};
  for (const line of text.split("\n")) {
    const m = /^(satellite_gossip_[a-z_]+(?:\{[^}]*\})?) ([0-9.e+-]+)$/.exec(line);
    if (m && Number(m[2]) > 0) out[m[1] as string] = Number(m[2]);
  }
  return out;
}

export function rss(agent: FuzzAgent): number {
  return Number(rssMiB(agent.proc.pid).toFixed(1));
}

/** Polls /livez every `everyMs` (2 s timeout) until stopped; latencies in ms, failures counted. */
export function sampleLivez(agent: FuzzAgent, everyMs: number) {
  const latencies: number[] = [];
  let failures = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      const start = performance.now();
      const ok = await fetch(`${agent.api}/livez`, { signal: AbortSignal.timeout(2000) }).then((r) => r.ok, () => false);
      latencies.push(performance.now() - start);
      if (!ok) failures++;
      await Bun.sleep(everyMs);
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return {
        samples: latencies.length,
        failures,
        p50Ms: Number(percentile(latencies, 50).toFixed(1)),
        p99Ms: Number(percentile(latencies, 99).toFixed(1)),
        maxMs: Number(Math.max(...latencies).toFixed(1)),
      };
    },
  };
}
