/**
 * Join burst: many agents started within one second, all joining the same seed. Measures how long
 * until every agent sees every other, from the agents' logs (exact) and from their member APIs
 * (polled in rounds), and how many member pairs are still missing at checkpoints.
 */
import { startCpuHogs } from "./cpu-hogs.ts";
import type { Agent, BenchCluster } from "./real-cluster.ts";
import { cpuTicks, spread, waitBound, type Spread } from "./real-measure.ts";

export interface BurstResult {
  agents: number;
  /** CPU hogs (bounded busy loops) that ran beside the burst. */
  hogs: number;
  /** ms between the first and the last spawn of the burst. */
  spawnSpreadMs: number;
  ok: boolean;
  /** ms from the first burst spawn until every agent's log shows every other agent joined. */
  logConvergedMs: number | null;
  /** ms from the first burst spawn until at most 1 % of the ordered pairs were missing from the logs (0.5 s steps). */
  pairs99Ms: number | null;
  /** ms from the first burst spawn to the start of the first API round where all lists are complete. */
  apiConvergedMs: number | null;
  apiRounds: number;
  /** ms from the first burst spawn until the last agent logged that it started. */
  lastReadyMs: number | null;
  /** Ordered pairs "a->b" (a does not see b) from the logs, at seconds after the first spawn. */
  missingPairsAt: Record<string, number>;
  /** [seconds after the first spawn, missing pairs from the logs], sampled every 0.5 s. */
  timeline: [number, number][];
  /** Up to 20 pairs still missing at the end, from the API. */
  missingAtEnd: string[];
  exitedEarly: string[];
  /** CPU seconds used from spawn to the end of the burst: the seed, and the spread over the others. */
  cpuSeconds: { seed: number | null; others: Spread };
  /** "failed" events logged during the burst (nobody was killed: all of them are false), by member. */
  falseFailed: Record<string, number>;
}

const CHECKPOINTS_S = [5, 10, 30, 60, 120, 180, 300];

export interface BurstOptions {
  count: number;
  timeoutMs: number;
  serfBinary: string;
  /** Busy loops started once the seed is up and stopped when the burst ends. */
  hogs: number;
  /** Their nice value (the agents'). */
  hogNice: number;
}

export async function runBurst(cluster: BenchCluster, options: BurstOptions): Promise<BurstResult> {
  const { count, timeoutMs, serfBinary } = options;
  const seed = cluster.start("b0");
  await waitBound(seed, 20_000);
  const hogs = startCpuHogs(options.hogs, timeoutMs + 30_000, options.hogNice);
  try {
    return await measureBurst(cluster, seed, count, timeoutMs, serfBinary, hogs.count);
  } finally {
    await hogs.stop();
  }
}

async function measureBurst(cluster: BenchCluster, seed: Agent, count: number, timeoutMs: number, serfBinary: string, hogCount: number): Promise<BurstResult> {
  const t0 = performance.now();
  const spacing = 1000 / Math.max(1, count - 1);
  for (let i = 1; i < count; i++) {
    const due = t0 + (i - 1) * spacing;
    const wait = due - performance.now();
    if (wait > 0) await Bun.sleep(wait);
    cluster.start(`b${i}`, seed.spec);
  }
  const spawnSpreadMs = performance.now() - t0;
  const everyone = () => [...cluster.agents.values()];
  const names = everyone().map((a) => a.spec.name);
  // Runs on every membership log line of 100 agents: keep it O(agents). Alive sets only ever
  // hold burst members, so the count of others an agent sees is its set size minus itself.
  const pairs = names.length * (names.length - 1);
  const missingFromLogs = () => pairs - everyone().reduce((sum, a) => sum + a.alive.size - (a.alive.has(a.spec.name) ? 1 : 0), 0);
  const timeline: [number, number][] = [];
  const sample = () => timeline.push([Number(((performance.now() - t0) / 1000).toFixed(1)), missingFromLogs()]);
  sample();
  const sampler = setInterval(sample, 500);

  let logConvergedMs: number | null = null;
  let apiConvergedMs: number | null = null;
  let apiRounds = 0;
  let lastApiMissing: string[] = [];
  const deadline = t0 + timeoutMs;
  const logWait = cluster.waitUntil(() => missingFromLogs() === 0, timeoutMs).then((ok) => {
    if (ok) logConvergedMs = performance.now() - t0;
  });
  const apiLoop = (async () => {
    while (performance.now() < deadline && apiConvergedMs === null) {
      const roundStart = performance.now();
      lastApiMissing = await missingFromApi(cluster, everyone(), names, serfBinary);
      apiRounds++;
      if (lastApiMissing.length === 0) apiConvergedMs = roundStart - t0;
      else await Bun.sleep(Math.max(0, Math.min(1_000, deadline - performance.now())));
    }
  })();
  await Promise.all([logWait, apiLoop]);
  clearInterval(sampler);
  sample();
  const missingPairsAt: Record<string, number> = {};
  for (const s of CHECKPOINTS_S) {
    // The last sample taken at or before the checkpoint; none once the run ended before it.
    const last = timeline.filter(([t]) => t <= s).at(-1);
    if (last && (timeline.at(-1)?.[0] ?? 0) >= s) missingPairsAt[`${s}s`] = last[1];
    else if (last && last[1] === 0 && s * 1000 <= timeoutMs) missingPairsAt[`${s}s`] = 0;
  }
  const pairs99 = timeline.find(([, missing]) => missing <= pairs * 0.01);
  return {
    agents: count,
    hogs: hogCount,
    spawnSpreadMs,
    pairs99Ms: pairs99 ? pairs99[0] * 1000 : null,
    ok: logConvergedMs !== null && apiConvergedMs !== null,
    logConvergedMs,
    apiConvergedMs,
    apiRounds,
    lastReadyMs: everyone().every((a) => a.tReady !== undefined) ? Math.max(...everyone().map((a) => (a.tReady as number) - t0)) : null,
    missingPairsAt,
    timeline,
    missingAtEnd: lastApiMissing.slice(0, 20),
    exitedEarly: everyone().filter((a) => !a.running).map((a) => a.spec.name),
    falseFailed: countFailed(everyone()),
    cpuSeconds: { seed: cpuSecondsOf(seed), others: spread(everyone().filter((a) => a !== seed).map(cpuSecondsOf)) },
  };
}

function cpuSecondsOf(agent: Agent): number | null {
  const ticks = cpuTicks(agent.pid);
  return ticks === null ? null : ticks / 100;
}

function countFailed(agents: Agent[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const a of agents) for (const e of a.events) if (e.kind === "failed") counts[e.who] = (counts[e.who] ?? 0) + 1;
  return counts;
}

async function missingFromApi(cluster: BenchCluster, agents: Agent[], names: string[], serfBinary: string): Promise<string[]> {
  let members: Record<string, string[] | string>;
  try {
    members = await cluster.probeMembers(agents, serfBinary);
  } catch (error) {
    return [`probe: ${String(error).slice(0, 200)}`];
  }
  const missing: string[] = [];
  for (const a of names) {
    const seen = members[a];
    if (typeof seen === "string" || seen === undefined) {
      missing.push(`${a}: ${seen ?? "no answer"}`);
      continue;
    }
    const set = new Set(seen);
    for (const b of names) if (b !== a && !set.has(b)) missing.push(`${a}->${b}`);
  }
  return missing;
}
