/**
 * Probe bench: N cheap checks (tcp to a local listener, disk-space, script `true`) on the real
 * Scheduler at a fixed interval for a while, in one process. Reports scheduling lag, run
 * durations per kind, CPU and RSS; then the per-run cost of a Nagios script check (spawn,
 * process-group clean-up) measured sequentially.
 * Usage: bun bench/probes/run.ts [--checks=1000] [--seconds=30] [--interval-ms=1000] [--concurrency=32] [--spawn-runs=300]
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkerSettingsOf } from "../../src/agent/check-setup.ts";
import { systemCheckerDeps } from "../../src/checkers/deps.ts";
import { createCheckerKinds } from "../../src/checkers/all-kinds.ts";
import { agentConfigSchema } from "../../src/config/schema.ts";
import { systemClock } from "../../src/platform/clock.ts";
import { silentLogger } from "../../src/platform/logger.ts";
import { createSystemRandom } from "../../src/platform/random.ts";
import type { CheckRun, CheckerEnvironment } from "../../src/probes/checker.ts";
import { type CheckRunReport, Scheduler } from "../../src/probes/scheduler.ts";
import { percentile, report } from "../support/report.ts";
import { useAgentJitPolicy } from "../../src/platform/jit-policy.ts";

useAgentJitPolicy();

const args = Object.fromEntries(process.argv.slice(2).map((a) => a.replace(/^--/, "").split("=") as [string, string]));
const checkCount = Number(args.checks ?? 1000);
const seconds = Number(args.seconds ?? 30);
const intervalMs = Number(args["interval-ms"] ?? 1000);
const concurrency = Number(args.concurrency ?? 32);
const spawnRuns = Number(args["spawn-runs"] ?? 300);
const outDir = join(import.meta.dir, "out");

const stateDir = mkdtempSync(join(tmpdir(), "satellite-probe-bench-"));
const listener = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { open: (s) => void s.end(), data() {} } });
const kinds = createCheckerKinds(systemCheckerDeps);
const kind = (name: string) => kinds.find((k) => k.kind === name)!;
const env: CheckerEnvironment = { settings: checkerSettingsOf({ ...agentConfigSchema().parse({}), name: "bench", stateDir }), logger: silentLogger };
const build = (k: string, options: Record<string, unknown>): CheckRun => kind(k).create(kind(k).options().parse(options), env);
const ALL_MIX = [
  { kind: "tcp", options: { address: `127.0.0.1:${listener.port}` } },
  { kind: "disk-space", options: {} },
  { kind: "script", options: { command: ["/bin/true"] } },
] as const;
const mixKinds = (args.mix ?? "tcp,disk-space,script").split(",");
const MIX = ALL_MIX.filter((m) => mixKinds.includes(m.kind));

/** This process's CPU seconds, and its reaped children's (the spawned scripts), from /proc/self/stat. */
function cpuSeconds(): number {
  return procCpu().self;
}

function procCpu(): { self: number; children: number } {
  const stat = require("node:fs").readFileSync("/proc/self/stat", "utf8") as string;
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ").map(Number);
  const tick = 100; // USER_HZ on Linux
  return { self: ((f[11] ?? 0) + (f[12] ?? 0)) / tick, children: ((f[13] ?? 0) + (f[14] ?? 0)) / tick };
}

async function schedulerRun(): Promise<Record<string, string | number>[]> {
  // Compact records, so the bench's own bookkeeping does not dominate the RSS it reports.
  const reports: Pick<CheckRunReport, "name" | "startedAtMs" | "lagMs" | "durationMs">[] = [];
  const failedRuns = new Set<number>();
  const scheduler = new Scheduler({
    clock: systemClock,
    random: createSystemRandom(),
    logger: silentLogger,
    concurrencyMax: concurrency,
    jitterFraction: 0.1,
    onReport: (r) => {
      if (r.outcomes.some((o) => o.status === "failed")) failedRuns.add(reports.length);
      reports.push({ name: r.name, startedAtMs: r.startedAtMs, lagMs: r.lagMs, durationMs: r.durationMs });
    },
  });
  const kindOf = new Map<string, string>();
  for (let i = 0; i < checkCount; i++) {
    const m = MIX[i % MIX.length] as (typeof MIX)[number];
    const name = `${m.kind}-${i}`;
    kindOf.set(name, m.kind);
    scheduler.add({ name, intervalMs, timeoutMs: 5000, run: build(m.kind, m.options) });
  }
  const rssSamples: number[] = [];
  const sampler = setInterval(() => rssSamples.push(process.memoryUsage().rss / 2 ** 20), 1000);
  const rssBefore = process.memoryUsage().rss / 2 ** 20;
  const cpuStart = procCpu();
  const wallStart = performance.now();
  scheduler.start();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const stats = scheduler.stats();
  await scheduler.stop();
  clearInterval(sampler);
  const wall = (performance.now() - wallStart) / 1000;
  const cpuEnd = procCpu();
  const cpu = cpuEnd.self - cpuStart.self;
  const childCpu = cpuEnd.children - cpuStart.children;

  // Skip the first interval: every check starts within it, which is a burst, not steady state.
  const indexed = reports.map((r, i) => ({ ...r, failed: failedRuns.has(i) }));
  const steady = indexed.filter((r) => r.startedAtMs - reports[0]!.startedAtMs > intervalMs * 2);
  const rows: Record<string, string | number>[] = [];
  const lag = steady.map((r) => r.lagMs);
  const failedCount = steady.filter((r) => r.failed).length;
  rows.push({
    kind: "all",
    runs: steady.length,
    "runs/s": (steady.length / Math.max(1, wall - (intervalMs * 2) / 1000)).toFixed(0),
    "lag p50 ms": percentile(lag, 50).toFixed(1),
    "lag p99 ms": percentile(lag, 99).toFixed(1),
    "lag max ms": Math.max(0, ...lag).toFixed(1),
    "dur p50 ms": percentile(steady.map((r) => r.durationMs), 50).toFixed(2),
    "dur p99 ms": percentile(steady.map((r) => r.durationMs), 99).toFixed(2),
    failed: failedCount,
  });
  for (const m of MIX) {
    const mine = steady.filter((r) => kindOf.get(r.name) === m.kind);
    rows.push({
      kind: m.kind,
      runs: mine.length,
      "runs/s": (mine.length / Math.max(1, wall - (intervalMs * 2) / 1000)).toFixed(0),
      "lag p50 ms": percentile(mine.map((r) => r.lagMs), 50).toFixed(1),
      "lag p99 ms": percentile(mine.map((r) => r.lagMs), 99).toFixed(1),
      "lag max ms": Math.max(0, ...mine.map((r) => r.lagMs)).toFixed(1),
      "dur p50 ms": percentile(mine.map((r) => r.durationMs), 50).toFixed(2),
      "dur p99 ms": percentile(mine.map((r) => r.durationMs), 99).toFixed(2),
      failed: mine.filter((r) => r.failed).length,
    });
  }
  const summary = {
    checks: checkCount,
    seconds,
    intervalMs,
    concurrency,
    mix: mixKinds.join(","),
    cpuPercentOfOneCore: Number(((cpu / wall) * 100).toFixed(1)),
    childCpuPercentOfOneCore: Number(((childCpu / wall) * 100).toFixed(1)),
    rssStartMiB: Number(rssBefore.toFixed(1)),
    rssMaxMiB: Number(Math.max(...rssSamples).toFixed(1)),
    rssEndMiB: Number((rssSamples.at(-1) ?? 0).toFixed(1)),
    overlapsSkipped: stats.overlapsSkipped,
    runsTimedOut: stats.runsTimedOut,
  };
  report(`probe scheduler: ${checkCount} checks every ${intervalMs} ms for ${seconds} s (concurrency ${concurrency})`, rows, join(outDir, `scheduler-${mixKinds.join("+")}.json`), { summary });
  console.log(JSON.stringify(summary));
  return rows;
}

async function spawnCost(): Promise<void> {
  const ctx = { signal: new AbortController().signal, clock: systemClock, logger: silentLogger };
  const variants: [string, CheckRun][] = [
    ["script /bin/true", build("script", { command: ["/bin/true"] })],
    ["script shell: true", build("script", { command: ["true"], shell: true })],
    ["script with perfdata", build("script", { command: ["/bin/echo", "OK | load=0.5;1;2;0; time=12ms"] })],
    ["tcp (for comparison)", build("tcp", { address: `127.0.0.1:${listener.port}` })],
    ["disk-space (for comparison)", build("disk-space", {})],
  ];
  const rows: Record<string, string | number>[] = [];
  for (const [label, run] of variants) {
    for (let i = 0; i < 20; i++) await run(ctx); // warm-up
    const durations: number[] = [];
    const cpu0 = cpuSeconds();
    for (let i = 0; i < spawnRuns; i++) {
      const t = performance.now();
      await run(ctx);
      durations.push(performance.now() - t);
    }
    const cpuPerRunMs = ((cpuSeconds() - cpu0) / spawnRuns) * 1000;
    rows.push({
      check: label,
      runs: spawnRuns,
      "p50 ms": percentile(durations, 50).toFixed(2),
      "p99 ms": percentile(durations, 99).toFixed(2),
      "mean ms": (durations.reduce((a, b) => a + b, 0) / durations.length).toFixed(2),
      "agent CPU ms/run": cpuPerRunMs.toFixed(2),
    });
  }
  report("per-run cost, sequential (script = spawn + wait + process-group kill + parse)", rows, join(outDir, "spawn.json"));
}

try {
  await schedulerRun();
  await spawnCost();
} finally {
  listener.stop(true);
  rmSync(stateDir, { recursive: true, force: true });
}
