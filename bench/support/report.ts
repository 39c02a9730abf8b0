import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

/** Prints rows as an aligned table and writes `{ name, at, rows, ...extra }` as JSON to `jsonPath`. */
export function report(name: string, rows: Record<string, string | number>[], jsonPath: string, extra: Record<string, unknown> = {}): void {
  const header = Object.keys(rows[0] ?? {});
  const cells = rows.map((r) => header.map((h) => String(r[h] ?? "")));
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] ?? "").length)));
  const line = (parts: string[]) => parts.map((p, i) => p.padStart(widths[i] ?? 0)).join("  ");
  console.log(`\n${name}`);
  console.log(line(header));
  for (const c of cells) console.log(line(c));
  mkdirSync(dirname(jsonPath), { recursive: true });
  writeFileSync(jsonPath, `${JSON.stringify({ name, at: new Date().toISOString(), rows, ...extra }, null, 2)}\n`);
  console.log(`(written to ${jsonPath})`);
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

/** Resident set size of a process in MiB, from /proc. */
export function rssMiB(pid: number): number {
  const { readFileSync } = require("node:fs") as typeof import("node:fs");
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = Number(status.match(/VmRSS:\s+(\d+)/)?.[1] ?? Number.NaN);
  return kb / 1024;
}
