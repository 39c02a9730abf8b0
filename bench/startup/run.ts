/**
 * Startup bench, side by side in one run (median of --runs spawns each, the programs taking
 * turns in every round so the machine's load hits each alike):
 * - a bare compiled Bun program (an HTTP server answering /livez and a UDP socket): spawn -> first
 *   /livez 200, the runtime's floor;
 * - each Satellite build (default checks on): spawn -> first /livez 200, spawn -> first join packet
 *   (the first TCP connection at a fake seed given as --initial-cluster), and RSS after --idle-ms idle
 *   (meanwhile it retries the join, with backoff: the seed closes every connection unanswered);
 * - serf: spawn -> first join packet (-join to a fake seed).
 * Targets (pass/fail on the medians): /livez at most bare + 25 ms, first join at most bare + 10 ms.
 * Usage: bun bench/startup/run.ts [--runs=5] [--idle-ms=10000] [--satellite=dist/satellite[,other-build...]] [--serf=serf]
 * (--idle-ms=0 skips the RSS reading.) Writes bench/startup/out/startup.json.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import type { Subprocess } from "bun";
import { median, report, rssMiB } from "../support/report.ts";
import { freePort } from "../../test/support/processes.ts";
import { buildBareServer } from "./bare-server.ts";
import { startFakeSeed, type FakeSeed } from "./fake-seed.ts";

const LIVEZ_SLACK_MS = 25;
const JOIN_SLACK_MS = 10;
const WAIT_LIMIT_MS = 20_000;

const args = new Map(process.argv.slice(2).map((a) => { const [k, ...v] = a.replace(/^--/, "").split("="); return [k as string, v.join("=")]; }));
const int = (key: string, fallback: number, min: number, max: number) => {
  const value = Number(args.get(key) ?? fallback);
  if (!Number.isInteger(value) || value < min || value > max) throw new Error(`--${key}=${args.get(key)}: expected an integer within ${min}..${max}`);
  return value;
};
const runs = int("runs", 5, 1, 100);
const idleMs = int("idle-ms", 10_000, 0, 600_000);
const builds = (args.get("satellite") || join(import.meta.dir, "../../dist/satellite")).split(",");
const serfBinary = args.get("serf") || "serf";
for (const build of builds) if (!Bun.which(build)) throw new Error(`--satellite=${build}: no such executable; build it with: bun scripts/build.ts`);
if (!Bun.which(serfBinary)) throw new Error(`--serf=${serfBinary}: not found; scripts/install-test-deps.sh installs serf`);

/** Milliseconds from `started` until `ready` holds, polled every `pollMs`; fails when the process exits first or after WAIT_LIMIT_MS. */
async function until(what: string, proc: Subprocess, started: number, pollMs: number, ready: () => Promise<number | undefined> | number | undefined): Promise<number> {
  for (;;) {
    const at = await ready();
    if (at !== undefined) return at - started;
    if (proc.exitCode !== null || proc.signalCode !== null) throw new Error(`${what}: the process ended (${proc.exitCode ?? proc.signalCode}) first`);
    if (performance.now() - started > WAIT_LIMIT_MS) throw new Error(`${what}: not within ${WAIT_LIMIT_MS} ms`);
    await Bun.sleep(pollMs);
  }
}

const livez = (port: number) => async () => (await fetch(`http://127.0.0.1:${port}/livez`).then((r) => r.status === 200, () => false)) ? performance.now() : undefined;
const firstJoin = (seed: FakeSeed) => () => seed.firstConnectionAt();

async function stopProcess(proc: Subprocess, signal: NodeJS.Signals): Promise<void> {
  proc.kill(signal);
  await proc.exited;
}

async function runBare(binary: string): Promise<number> {
  const port = await freePort();
  const started = performance.now();
  const proc = Bun.spawn([binary, String(port)], { stdout: "ignore", stderr: "ignore" });
  try {
    return await until("bare program /livez", proc, started, 2, livez(port));
  } finally {
    await stopProcess(proc, "SIGKILL");
  }
}

async function runSerf(seed: FakeSeed): Promise<number> {
  const [bind, rpc] = [await freePort(), await freePort()];
  seed.reset();
  const started = performance.now();
  const proc = Bun.spawn([serfBinary, "agent", "-node=bench-serf", `-bind=127.0.0.1:${bind}`, `-rpc-addr=127.0.0.1:${rpc}`, `-join=127.0.0.1:${seed.port}`], { stdout: "ignore", stderr: "ignore" });
  try {
    return await until("serf's first join packet", proc, started, 1, firstJoin(seed));
  } finally {
    await stopProcess(proc, "SIGKILL");
  }
}

async function runSatellite(binary: string, seed: FakeSeed): Promise<{ livezMs: number; joinMs: number; rssMiB?: number }> {
  const [rpc, gossip] = [await freePort(), await freePort()];
  const dir = mkdtempSync(join(tmpdir(), "satellite-bench-"));
  seed.reset();
  const started = performance.now();
  const argv = [binary, "agent", "--name", "bench", "--rpc-addr", `127.0.0.1:${rpc}`, "--gossip-addr", `127.0.0.1:${gossip}`, "--state-dir", dir, "--initial-cluster", `127.0.0.1:${seed.port}`];
  const proc = Bun.spawn(argv, { stdout: "ignore", stderr: "ignore" });
  try {
    const [livezMs, joinMs] = await Promise.all([until(`${binary} /livez`, proc, started, 2, livez(rpc)), until(`${binary}'s first join packet`, proc, started, 1, firstJoin(seed))]);
    if (idleMs === 0) return { livezMs, joinMs };
    await Bun.sleep(idleMs);
    return { livezMs, joinMs, rssMiB: rssMiB(proc.pid) };
  } finally {
    await stopProcess(proc, "SIGTERM");
    rmSync(dir, { recursive: true, force: true });
  }
}

const work = mkdtempSync(join(tmpdir(), "satellite-startup-bench-"));
const seed = startFakeSeed();
const loadBefore = loadavg()[0] as number;
const samples = { bare: [] as number[], serfJoin: [] as number[], satellite: builds.map(() => ({ livez: [] as number[], join: [] as number[], rss: [] as number[] })) };
try {
  const bare = buildBareServer(work);
  const programs: (() => Promise<void>)[] = [
    async () => void samples.bare.push(await runBare(bare)),
    async () => void samples.serfJoin.push(await runSerf(seed)),
    ...builds.map((build, i) => async () => {
      const r = await runSatellite(build, seed);
      const s = samples.satellite[i] as (typeof samples.satellite)[number];
      s.livez.push(r.livezMs);
      s.join.push(r.joinMs);
      if (r.rssMiB !== undefined) s.rss.push(r.rssMiB);
    }),
  ];
  for (let round = 0; round < runs; round++) {
    for (let k = 0; k < programs.length; k++) await (programs[(round + k) % programs.length] as () => Promise<void>)();
  }
} finally {
  seed.stop();
  rmSync(work, { recursive: true, force: true });
}

const loadAfter = loadavg()[0] as number;
const bareMs = median(samples.bare);
const ms = (v: number) => Math.round(v);
const verdict = (value: number, limit: number) => `${value <= limit ? "pass" : "FAIL"} (${ms(value - bareMs) >= 0 ? "+" : ""}${ms(value - bareMs)})`;
const rows: Record<string, string | number>[] = [
  { program: "bare compiled Bun", "spawn->livez ms": ms(bareMs), "spawn->first join ms": "-", "idle RSS MiB": "-", [`livez <= bare+${LIVEZ_SLACK_MS}`]: "-", [`join <= bare+${JOIN_SLACK_MS}`]: "-" },
  { program: "serf", "spawn->livez ms": "-", "spawn->first join ms": ms(median(samples.serfJoin)), "idle RSS MiB": "-", [`livez <= bare+${LIVEZ_SLACK_MS}`]: "-", [`join <= bare+${JOIN_SLACK_MS}`]: verdict(median(samples.serfJoin), bareMs + JOIN_SLACK_MS) },
  ...builds.map((build, i) => {
    const s = samples.satellite[i] as (typeof samples.satellite)[number];
    return {
      program: `satellite ${build}`,
      "spawn->livez ms": ms(median(s.livez)),
      "spawn->first join ms": ms(median(s.join)),
      "idle RSS MiB": s.rss.length ? Number(median(s.rss).toFixed(1)) : "-",
      [`livez <= bare+${LIVEZ_SLACK_MS}`]: verdict(median(s.livez), bareMs + LIVEZ_SLACK_MS),
      [`join <= bare+${JOIN_SLACK_MS}`]: verdict(median(s.join), bareMs + JOIN_SLACK_MS),
    };
  }),
];
report(
  `start-up, median of ${runs} spawns each (load average ${loadBefore.toFixed(1)} -> ${loadAfter.toFixed(1)}; Satellite with default checks, RSS after ${idleMs / 1000} s idle)`,
  rows,
  join(import.meta.dir, "out/startup.json"),
  { runs, idleMs, loadAverage: { before: loadBefore, after: loadAfter }, targetsMs: { livezOverBare: LIVEZ_SLACK_MS, joinOverBare: JOIN_SLACK_MS }, samplesMs: { bare: samples.bare, serfJoin: samples.serfJoin }, satellite: builds.map((build, i) => ({ build, ...samples.satellite[i] })) },
);
