// History store bench: sustained write rate with retention running, query latency, size.
// Usage: npx bun bench/history/run.ts [--quick] [--dir <tmp parent>]
// Prints a table and writes bench/history/out/history-<time>.json (and latest.json).
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { Database } from "bun:sqlite";
import { systemClock } from "../../src/platform/clock.ts";
import { silentLogger } from "../../src/platform/logger.ts";
import { createSqliteHistoryStore, type SqliteHistoryStore, type SqliteHistoryStoreOptions } from "../../src/store/sqlite/sqlite-history-store.ts";
import type { ProbeSample } from "../../src/store/history-store.ts";
import { useAgentJitPolicy } from "../../src/platform/jit-policy.ts";

useAgentJitPolicy();

const args = process.argv.slice(2);
const quick = args.includes("--quick");
const parent = args.includes("--dir") ? (args[args.indexOf("--dir") + 1] as string) : tmpdir();
const PROBES = 1000;
const NODES = 50;
const SUSTAINED_SECONDS = quick ? 120 : 900;
const SINGLE_SECONDS = quick ? 10 : 60;
const FILL_OTHERS_SECONDS = quick ? 300 : 1800;
const DAY_S = 86_400;
const T0 = Date.UTC(2026, 0, 1);
const work = mkdtempSync(join(parent, "satellite-history-bench-"));

type Store = SqliteHistoryStore;

function probeName(p: number): { node: string; checker: string } {
  return { node: `node-${String(p % NODES).padStart(3, "0")}`, checker: `check-${String(Math.floor(p / NODES)).padStart(2, "0")}` };
}

function second(sec: number, probes = PROBES): ProbeSample[] {
  const out: ProbeSample[] = [];
  for (let p = 0; p < probes; p++) {
    const failed = (sec + p) % 97 === 0;
    out.push({
      ts: T0 + sec * 1000 + (p % 1000),
      ...probeName(p),
      status: failed ? "failed" : "running",
      ...(failed ? { severity: "warning" as const, error: "HTTP 503 from http://127.0.0.1:10248/healthz" } : {}),
      durationMs: 1 + ((sec * 7 + p * 13) % 400) / 10,
    });
  }
  return out;
}

function open(name: string, over: Partial<SqliteHistoryStoreOptions> = {}): { store: Store; path: string } {
  const path = join(work, `${name}.db`);
  return { store: createSqliteHistoryStore({ path, retentionMs: 7 * DAY_S * 1000, clock: systemClock, logger: silentLogger, pruneIntervalMs: 0, ...over }), path };
}

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

const nextTurn = (): Promise<void> => new Promise((r) => setImmediate(r));

/** 1,000 probes per simulated second, one append per second, retention pass every 60 s. */
async function sustained(durability: "process-crash" | "power-loss", seconds: number, retention: boolean) {
  const { store } = open(`sustained-${durability}-${retention}`, { durability, sampleRetentionMs: 300_000, aggregateRetentionMs: 3600_000 });
  const latencies: number[] = [];
  let pruned = 0;
  const passes: Promise<void>[] = [];
  const start = performance.now();
  for (let sec = 0; sec < seconds; sec++) {
    const batch = second(sec);
    const t = performance.now();
    await store.appendSamples(batch);
    latencies.push(performance.now() - t);
    if (retention && sec % 60 === 59) passes.push(store.prune(T0 + sec * 1000).then((n) => void (pruned += n)));
    // Like the agent: the event loop turns between appends, so retention batches run in between.
    await nextTurn();
  }
  await Promise.all(passes);
  const elapsedS = (performance.now() - start) / 1000;
  latencies.sort((a, b) => a - b);
  const kept = (await store.querySamples({ limit: 1e9 })).length;
  await store.close();
  return {
    durability,
    retention,
    samples: seconds * PROBES,
    samplesPerSecond: Math.round((seconds * PROBES) / elapsedS),
    appendP50Ms: round(pct(latencies, 50)),
    appendP99Ms: round(pct(latencies, 99)),
    appendMaxMs: round(latencies[latencies.length - 1] ?? 0),
    prunedRows: pruned,
    keptRows: kept,
  };
}

/** One append (one transaction) per probe result: the worst batching the agent could do. */
async function singleAppends(seconds: number) {
  const { store } = open("single");
  const start = performance.now();
  for (let sec = 0; sec < seconds; sec++) for (const s of second(sec)) await store.appendSamples([s]);
  const elapsedS = (performance.now() - start) / 1000;
  await store.close();
  return { samples: seconds * PROBES, samplesPerSecond: Math.round((seconds * PROBES) / elapsedS) };
}

/** One probe with 24 h at 1 s, the 999 others with the last FILL_OTHERS_SECONDS; then queries. */
async function queries() {
  const { store, path } = open("queries");
  const fillStart = performance.now();
  const target = probeName(0);
  const othersFrom = DAY_S - FILL_OTHERS_SECONDS;
  for (let sec = 0; sec < DAY_S; sec += 600) {
    const chunk: ProbeSample[] = [];
    for (let s = sec; s < Math.min(DAY_S, sec + 600); s++) {
      if (s >= othersFrom) chunk.push(...second(s));
      else chunk.push(...second(s, 1));
    }
    await store.appendSamples(chunk);
  }
  const fillS = (performance.now() - fillStart) / 1000;
  const total = DAY_S + (PROBES - 1) * FILL_OTHERS_SECONDS;
  const now = T0 + DAY_S * 1000;
  const time = async (fn: () => Promise<unknown>, runs = 5): Promise<{ medianMs: number; rows: number }> => {
    const ms: number[] = [];
    let rows = 0;
    for (let i = 0; i < runs; i++) {
      const t = performance.now();
      const r = await fn();
      ms.push(performance.now() - t);
      rows = Array.isArray(r) ? r.length : 0;
    }
    ms.sort((a, b) => a - b);
    return { medianMs: round(pct(ms, 50)), rows };
  };
  const result = {
    rowsInDatabase: total,
    fillSamplesPerSecond: Math.round(total / fillS),
    raw24hOneProbe: await time(() => store.querySamples({ ...target, sinceMs: now - DAY_S * 1000, limit: 1e6 })),
    series24hStep1m: await time(() => store.querySeries({ ...target, sinceMs: now - DAY_S * 1000, stepMs: 60_000, untilMs: now })),
    series24hStep5m: await time(() => store.querySeries({ ...target, sinceMs: now - DAY_S * 1000, stepMs: 300_000, untilMs: now })),
    latestEveryProbe: await time(() => store.queryLatest()),
  };
  await store.close();
  const db = new Database(path);
  db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
  let breakdown: Record<string, number> = {};
  try {
    const rows = db.query("SELECT name, SUM(pgsize) AS bytes FROM dbstat GROUP BY name").all() as { name: string; bytes: number }[];
    breakdown = Object.fromEntries(rows.map((r) => [r.name, r.bytes]));
  } catch {
    breakdown = {};
  }
  db.close();
  const bytes = statSync(path).size;
  return { ...result, databaseBytes: bytes, megabytesPerMillionSamples: round(bytes / total), bytesByTable: breakdown };
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

const results = {
  when: new Date().toISOString(),
  quick,
  probes: PROBES,
  machine: { cpus: navigator.hardwareConcurrency, bun: Bun.version, loadAverageAtStart: loadavg() },
  sustained: [
    await sustained("process-crash", SUSTAINED_SECONDS, true),
    await sustained("process-crash", SUSTAINED_SECONDS, false),
    await sustained("power-loss", SUSTAINED_SECONDS, true),
  ],
  singleAppends: await singleAppends(SINGLE_SECONDS),
  queries: await queries(),
};
rmSync(work, { recursive: true, force: true });

console.log(`\nHistory store bench (${PROBES} probes, ${quick ? "quick" : "full"} run, load average ${loadavg().map((l) => l.toFixed(1)).join(" ")})\n`);
console.log("| write scenario | samples | samples/s | x needed (1000/s) | append p50 ms | p99 ms | max ms |");
console.log("|---|---|---|---|---|---|---|");
for (const s of results.sustained) {
  const ret = s.retention ? "5 min raw retention pruned every 60 s" : "no retention";
  console.log(`| 1 append/s of 1000, ${s.durability}, ${ret} | ${s.samples} | ${s.samplesPerSecond} | ${round(s.samplesPerSecond / 1000)} | ${s.appendP50Ms} | ${s.appendP99Ms} | ${s.appendMaxMs} |`);
}
const single = results.singleAppends;
console.log(`| 1 append per sample, process-crash | ${single.samples} | ${single.samplesPerSecond} | ${round(single.samplesPerSecond / 1000)} | | | |`);
const q = results.queries;
console.log(`\n| query (${q.rowsInDatabase} rows in db) | median ms | rows |`);
console.log("|---|---|---|");
console.log(`| raw samples, 24 h of one probe | ${q.raw24hOneProbe.medianMs} | ${q.raw24hOneProbe.rows} |`);
console.log(`| series 24 h, 1 min step | ${q.series24hStep1m.medianMs} | ${q.series24hStep1m.rows} |`);
console.log(`| series 24 h, 5 min step | ${q.series24hStep5m.medianMs} | ${q.series24hStep5m.rows} |`);
console.log(`| last sample of every probe | ${q.latestEveryProbe.medianMs} | ${q.latestEveryProbe.rows} |`);
console.log(`\ndatabase: ${q.databaseBytes} bytes for ${q.rowsInDatabase} samples = ${q.megabytesPerMillionSamples} MB per million samples`);
if (Object.keys(q.bytesByTable).length > 0) console.log(`by table/index: ${JSON.stringify(q.bytesByTable)}`);

const outDir = join(import.meta.dir, "out");
mkdirSync(outDir, { recursive: true });
const json = JSON.stringify(results, null, 2);
writeFileSync(join(outDir, `history-${results.when.replace(/[:.]/g, "-")}.json`), json);
writeFileSync(join(outDir, "latest.json"), json);
