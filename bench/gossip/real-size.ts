/**
 * One cluster size: N-1 base agents joined one after another, then per rep a join that is later
 * killed and a join that later leaves gracefully (so N agents during each action), and one
 * steady-state window (60 s by default: at least one push/pull per agent falls inside it).
 */
import type { BenchCluster } from "./real-cluster.ts";
import { installCounters, measureFail, measureJoin, measureLeave, measureSteady, seesAll, spread, waitBound, type FailResult, type JoinResult, type LeaveResult, type Spread, type SteadyResult } from "./real-measure.ts";

export const log = (message: string) => console.error(`[${(performance.now() / 1000).toFixed(1)}s] ${message}`);

export interface SizeOptions {
  reps: number;
  /** Kills beyond the reps (join, settle, kill -9), for a larger failure-detection sample. */
  extraKills: number;
  settleMs: number;
  windowMs: number;
}

export interface SizeSummary {
  /** Median over joins of the time until every observer saw the join. */
  joinAllMs: number | null;
  /** Over every observer of every kill. */
  failPerObserver: Spread;
  /** Median over kills of the time until every survivor saw "failed". */
  failAllMs: number | null;
  leaveAllMs: number | null;
  /** Observer reports of "failed" for agents that left gracefully, over all leaves. */
  leaveSeenAsFailed: number;
  /** "failed" logged about an agent that was never killed (left ones included). */
  falseFailures: number;
  rssMiB: number | null;
  privateMiB: number | null;
  cpuPct: number | null;
  udpBytesPerSec: number | null;
  tcpBytesPerSec: number | null;
}

export interface SizeResult {
  n: number;
  error?: string;
  baseFormMs: number;
  joins: JoinResult[];
  fails: FailResult[];
  leaves: LeaveResult[];
  steady?: SteadyResult;
  falseFailureEvents: string[];
  /** Final member lists asked through the agents' own API/RPC, compared with who is running. */
  apiCheck: { agents: number; complete: number; problems: string[] };
  summary: SizeSummary;
}

const JOIN_TIMEOUT_MS = 60_000;
const FAIL_TIMEOUT_MS = 120_000;
const LEAVE_TIMEOUT_MS = 60_000;

export async function runSize(cluster: BenchCluster, n: number, options: SizeOptions, serfBinary: string): Promise<SizeResult> {
  await installCounters(cluster);
  const seed = cluster.start("n0");
  await waitBound(seed, 20_000);
  const t0 = performance.now();
  for (let i = 1; i < n - 1; i++) {
    const name = `n${i}`;
    const t = performance.now();
    cluster.start(name, seed.spec);
    if (!(await cluster.waitUntil(() => cluster.eventTime(seed, "join", name, t) !== undefined, 20_000))) throw new Error(`seed never logged ${name} joining within 20 s`);
  }
  const baseNames = cluster.live().map((a) => a.spec.name);
  if (!(await cluster.waitUntil(() => cluster.live().every((a) => seesAll(a, baseNames)), 120_000))) {
    const lagging = cluster.live().filter((a) => !seesAll(a, baseNames)).map((a) => `${a.spec.name} sees ${a.alive.size}`);
    throw new Error(`the ${baseNames.length} base agents did not all see each other within 120 s: ${lagging.join(", ")}`);
  }
  const baseFormMs = performance.now() - t0;
  log(`N=${n}: ${baseNames.length} base agents formed in ${(baseFormMs / 1000).toFixed(1)} s`);
  await Bun.sleep(options.settleMs);

  const joins: JoinResult[] = [];
  const fails: FailResult[] = [];
  const leaves: LeaveResult[] = [];
  let steady: SteadyResult | undefined;
  const killed = new Set<string>();
  for (let r = 0; r < options.reps; r++) {
    const j = await measureJoin(cluster, `j${r}`, seed, JOIN_TIMEOUT_MS);
    joins.push(j.result);
    await Bun.sleep(options.settleMs);
    if (r === 0) steady = await measureSteady(cluster, options.windowMs);
    killed.add(j.agent.spec.name);
    const f = await measureFail(cluster, j.agent, FAIL_TIMEOUT_MS);
    fails.push(f);
    log(`N=${n} rep ${r}: join all ${fmt(j.result.seen.max)} ms, failed all ${fmt(f.seen.max)} ms (p50 ${fmt(f.seen.p50)})`);
    await Bun.sleep(options.settleMs);
    const l = await measureJoin(cluster, `l${r}`, seed, JOIN_TIMEOUT_MS);
    joins.push(l.result);
    await Bun.sleep(options.settleMs);
    const leave = await measureLeave(cluster, l.agent, LEAVE_TIMEOUT_MS, options.settleMs);
    leaves.push(leave);
    log(`N=${n} rep ${r}: leave all ${fmt(leave.seen.max)} ms, seen as failed by ${leave.sawFailed.length}`);
  }
  for (let k = 0; k < options.extraKills; k++) {
    const j = await measureJoin(cluster, `k${k}`, seed, JOIN_TIMEOUT_MS);
    await Bun.sleep(options.settleMs);
    killed.add(j.agent.spec.name);
    const f = await measureFail(cluster, j.agent, FAIL_TIMEOUT_MS);
    fails.push(f);
    log(`N=${n} extra kill ${k}: failed all ${fmt(f.seen.max)} ms (p50 ${fmt(f.seen.p50)})`);
    await Bun.sleep(options.settleMs);
  }

  const falseFailureEvents = [...cluster.agents.values()].flatMap((o) =>
    o.events.filter((e) => e.kind === "failed" && !killed.has(e.who)).map((e) => `${o.spec.name} saw ${e.who} failed`),
  );
  const apiCheck = await checkApi(cluster, serfBinary);
  const median = (xs: (number | null)[]) => spread(xs).p50;
  return {
    n,
    baseFormMs,
    joins,
    fails,
    leaves,
    steady,
    falseFailureEvents,
    apiCheck,
    summary: {
      joinAllMs: median(joins.map((j) => (j.ok ? j.seen.max : null))),
      failPerObserver: spread(fails.flatMap((f) => f.perObserverMs)),
      failAllMs: median(fails.map((f) => (f.ok ? f.seen.max : null))),
      leaveAllMs: median(leaves.map((l) => (l.ok ? l.seen.max : null))),
      leaveSeenAsFailed: leaves.reduce((sum, l) => sum + l.sawFailed.length, 0),
      falseFailures: falseFailureEvents.length,
      rssMiB: steady?.rssMiB.p50 ?? null,
      privateMiB: steady?.privateMiB.p50 ?? null,
      cpuPct: steady?.cpuPct.p50 ?? null,
      udpBytesPerSec: steady?.udpBytesPerSecPerAgent ?? null,
      tcpBytesPerSec: steady?.tcpBytesPerSecPerAgent ?? null,
    },
  };
}

async function checkApi(cluster: BenchCluster, serfBinary: string): Promise<SizeResult["apiCheck"]> {
  const live = cluster.live();
  const names = live.map((a) => a.spec.name);
  const members = await cluster.probeMembers(live, serfBinary);
  const problems: string[] = [];
  let complete = 0;
  for (const name of names) {
    const seen = members[name];
    if (typeof seen === "string" || seen === undefined) {
      problems.push(`${name}: ${seen ?? "no answer"}`);
      continue;
    }
    const missing = names.filter((x) => !seen.includes(x));
    const extra = seen.filter((x) => !names.includes(x));
    if (missing.length === 0 && extra.length === 0) complete++;
    else problems.push(`${name}: missing [${missing.join(",")}] extra alive [${extra.join(",")}]`);
  }
  return { agents: names.length, complete, problems: problems.slice(0, 20) };
}

function fmt(x: number | null): string {
  return x === null ? "-" : x.toFixed(0);
}
