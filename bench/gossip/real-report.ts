/** Tables (one per implementation, ratios, burst) and the JSON file of the real-process bench. */
import { join } from "node:path";
import { report } from "../support/report.ts";
import type { BurstResult } from "./real-burst.ts";
import type { Impl } from "./real-drivers.ts";
import type { SizeResult, SizeSummary } from "./real-size.ts";

export interface ReportInput {
  impls: Impl[];
  results: Record<Impl, SizeResult[]>;
  bursts: Record<Impl, (BurstResult | { error: string })[]>;
  options: Record<string, number>;
  versions: Record<string, string>;
  outDir: string;
}

const num = (x: number | null | undefined, digits = 0): string | number => (x === null || x === undefined || !Number.isFinite(x) ? "-" : Number(x.toFixed(digits)));

function sizeRow(r: SizeResult): Record<string, string | number> {
  if (r.error) return { N: r.n, error: r.error.slice(0, 160) };
  const s = r.summary;
  return {
    N: r.n,
    "form s": num(r.baseFormMs / 1000, 1),
    "join all ms": num(s.joinAllMs),
    "fail p50 ms": num(s.failPerObserver.p50),
    "fail p99 ms": num(s.failPerObserver.p99),
    "fail all ms": num(s.failAllMs),
    "leave all ms": num(s.leaveAllMs),
    "leave->failed": `${s.leaveSeenAsFailed} in ${r.leaves.length}`,
    "false failed": s.falseFailures,
    "RSS MiB": num(s.rssMiB, 1),
    "private MiB": num(s.privateMiB, 1),
    "CPU %": num(s.cpuPct, 2),
    "UDP B/s": num(s.udpBytesPerSec),
    "TCP B/s": num(s.tcpBytesPerSec),
    "API ok": `${r.apiCheck.complete}/${r.apiCheck.agents}`,
  };
}

const RATIO_KEYS: [string, (s: SizeSummary) => number | null][] = [
  ["join all", (s) => s.joinAllMs],
  ["fail p50", (s) => s.failPerObserver.p50],
  ["fail p99", (s) => s.failPerObserver.p99],
  ["fail all", (s) => s.failAllMs],
  ["leave all", (s) => s.leaveAllMs],
  ["RSS", (s) => s.rssMiB],
  ["private", (s) => s.privateMiB],
  ["CPU", (s) => s.cpuPct],
  ["UDP B/s", (s) => s.udpBytesPerSec],
  ["TCP B/s", (s) => s.tcpBytesPerSec],
  ["all B/s", (s) => (s.udpBytesPerSec === null || s.tcpBytesPerSec === null ? null : s.udpBytesPerSec + s.tcpBytesPerSec)],
];

/** Satellite / serf for the bursts of the same rep (both ran under the same settings, taking turns). */
function burstRatioRows(bursts: ReportInput["bursts"]): Record<string, string | number>[] {
  const ratio = (a: number | null | undefined, b: number | null | undefined) => (a === null || a === undefined || !b ? "-" : Number((a / b).toFixed(2)));
  const failed = (b: BurstResult) => Object.values(b.falseFailed).reduce((sum, n) => sum + n, 0);
  return bursts.satellite.flatMap((sat, rep) => {
    const serf = bursts.serf[rep];
    if (!serf || "error" in serf || "error" in sat) return [];
    return [{
      rep: rep + 1,
      hogs: sat.hogs,
      "99 % pairs (target <= 1.5)": ratio(sat.pairs99Ms, serf.pairs99Ms),
      "all pairs, log (target <= 1)": ratio(sat.logConvergedMs, serf.logConvergedMs),
      "CPU s p50 (target <= 1)": ratio(sat.cpuSeconds.others.p50, serf.cpuSeconds.others.p50),
      "false failed satellite / serf (target 0)": `${failed(sat)} / ${failed(serf)}`,
    }];
  });
}

function burstRow(impl: string, b: BurstResult | { error: string }): Record<string, string | number> {
  if ("error" in b) return { impl, error: b.error.slice(0, 160) };
  const at = (k: string) => b.missingPairsAt[k] ?? "-";
  return {
    impl,
    agents: b.agents,
    hogs: b.hogs,
    "spawn spread ms": num(b.spawnSpreadMs),
    "all started s": num(b.lastReadyMs === null ? null : b.lastReadyMs / 1000, 1),
    "99 % pairs s": num(b.pairs99Ms === null ? null : b.pairs99Ms / 1000, 1),
    "all see all (log) s": num(b.logConvergedMs === null ? null : b.logConvergedMs / 1000, 1),
    "all see all (API) s": num(b.apiConvergedMs === null ? null : b.apiConvergedMs / 1000, 1),
    "missing @5s": at("5s"),
    "@10s": at("10s"),
    "@30s": at("30s"),
    "@60s": at("60s"),
    "@120s": at("120s"),
    "exited early": b.exitedEarly.length,
    "CPU s seed/p50": `${num(b.cpuSeconds.seed, 1)}/${num(b.cpuSeconds.others.p50, 2)}`,
    "false failed": Object.entries(b.falseFailed).map(([who, count]) => `${who} x${count}`).join(" ").slice(0, 60) || 0,
  };
}

export function printResults(input: ReportInput): void {
  const { impls, results, bursts, outDir } = input;
  console.log(`\n${Object.values(input.versions).join("; ")}; reps=${input.options.reps}; times in ms from spawn / kill -9 / leave command`);
  for (const impl of impls) {
    report(`${impl}: real agents on loopback in one namespace, LAN defaults`, results[impl].map(sizeRow), join(outDir, `real-${impl}.json`), { results: results[impl] });
  }
  const ratioRows: Record<string, string | number>[] = [];
  if (impls.includes("serf") && impls.includes("satellite")) {
    for (const sat of results.satellite) {
      const serf = results.serf.find((r) => r.n === sat.n);
      if (!serf || serf.error || sat.error) continue;
      const row: Record<string, string | number> = { N: sat.n };
      for (const [key, pick] of RATIO_KEYS) {
        const a = pick(sat.summary);
        const b = pick(serf.summary);
        row[key] = a === null || b === null || b === 0 ? "-" : Number((a / b).toFixed(2));
      }
      ratioRows.push(row);
    }
  }
  const burstRows = impls.flatMap((i) => bursts[i].map((b, rep) => burstRow(`${i} #${rep + 1}`, b)));
  if (burstRows.length) console.log("\njoin burst (missing = ordered pairs a->b where a's log does not show b alive)");
  if (burstRows.length) console.table(burstRows);
  const burstRatios = burstRatioRows(bursts);
  if (burstRatios.length) console.log("\njoin burst, satellite / serf per rep (- where one of them did not converge)");
  if (burstRatios.length) console.table(burstRatios);
  report("satellite / serf (lower is better for every column)", ratioRows.length ? ratioRows : [{ note: "needs both serf and satellite results" }], join(outDir, "real.json"), {
    versions: input.versions,
    options: input.options,
    results,
    bursts,
    burstRows,
    burstRatios,
  });
}
