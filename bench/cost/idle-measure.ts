/** /proc readings of one process for the idle-cost bench, and the bare Bun program it compares with. */
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** Clock ticks per second of /proc/PID/stat times (USER_HZ). */
const TICKS_PER_S = 100;

export interface CostSample {
  at: number;
  cpuTicks: number;
  /** Times any thread of the process was put on a CPU (/proc/PID/task/TID/schedstat, third field). */
  runs: number;
  rssMiB: number;
  privateMiB: number;
  threads: number;
}

export interface CostDelta {
  cpuPct: number;
  wakeupsPerSec: number;
  rssMiB: number;
  privateMiB: number;
  threads: number;
}

export interface RowSummary extends CostDelta {
  label: string;
  processes: number;
}

function statusKiB(status: string, field: string): number {
  return Number(status.match(new RegExp(`${field}:\\s+(\\d+)`))?.[1] ?? Number.NaN);
}

export function readCost(pid: number): CostSample {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  let runs = 0;
  const tasks = readdirSync(`/proc/${pid}/task`);
  for (const tid of tasks) {
    try {
      runs += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, "utf8").split(" ")[2]);
    } catch {
      // the thread ended between the listing and the read
    }
  }
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return {
    at: performance.now(),
    cpuTicks: Number(fields[11]) + Number(fields[12]),
    runs,
    rssMiB: statusKiB(status, "VmRSS") / 1024,
    privateMiB: statusKiB(status, "RssAnon") / 1024,
    threads: tasks.length,
  };
}

/** CPU and wakeups over the window between two samples; memory as at the end of it. */
export function costDelta(a: CostSample, b: CostSample): CostDelta {
  const seconds = (b.at - a.at) / 1000;
  return {
    cpuPct: ((b.cpuTicks - a.cpuTicks) / TICKS_PER_S / seconds) * 100,
    wakeupsPerSec: (b.runs - a.runs) / seconds,
    rssMiB: b.rssMiB,
    privateMiB: b.privateMiB,
    threads: b.threads,
  };
}

/** Medians over the processes of one row (CPU as the mean: ticks are coarse at idle). */
export function summarise(label: string, deltas: CostDelta[]): RowSummary {
  const median = (values: number[]) => {
    const sorted = [...values].sort((x, y) => x - y);
    const mid = Math.floor(sorted.length / 2);
    return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
  };
  const mean = (values: number[]) => values.reduce((s, v) => s + v, 0) / Math.max(1, values.length);
  return {
    label,
    processes: deltas.length,
    cpuPct: mean(deltas.map((d) => d.cpuPct)),
    wakeupsPerSec: median(deltas.map((d) => d.wakeupsPerSec)),
    rssMiB: median(deltas.map((d) => d.rssMiB)),
    privateMiB: median(deltas.map((d) => d.privateMiB)),
    threads: median(deltas.map((d) => d.threads)),
  };
}

/**
 * A compiled Bun program that holds a UDP socket and a 200 ms timer, built with the agent's
 * compile flags: what any agent on this runtime costs before its own code runs.
 */
export async function buildBareProgram(dir: string): Promise<string> {
  const source = join(dir, "bare.ts");
  const outfile = join(dir, "bare");
  writeFileSync(source, "await Bun.udpSocket({ port: 0, socket: { data() {} } });\nsetInterval(() => {}, 200);\n");
  const build = Bun.spawnSync([process.execPath, "build", source, "--compile", "--minify", "--bytecode", "--format=esm", `--outfile=${outfile}`], { stdout: "pipe", stderr: "pipe" });
  if (build.exitCode !== 0) throw new Error(`cannot compile the bare Bun program (${source}): ${build.stderr.toString().trim()}`);
  return outfile;
}
