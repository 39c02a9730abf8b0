import { readdirSync, readFileSync, readlinkSync } from "node:fs";

/**
 * Reads the process tree from Linux's /proc. Every answer is a snapshot: processes come and go
 * while it is read, so a process that vanished is simply absent, never an error.
 */
export interface ProcessTree {
  /** Direct children of `pid` (of all its threads). */
  children(pid: number): number[];
  /** `pid` and everything below it, parents before children. */
  subtree(pid: number): number[];
  /** The state letter ("R", "S", "Z" for a zombie, ...), or undefined when the process is gone. */
  state(pid: number): string | undefined;
  /** The value of variable `name` in the environment `pid` was started with, or undefined. */
  environmentValue(pid: number, name: string): string | undefined;
  /** Every process id visible in /proc. */
  all(): number[];
}

/** Bounds one subtree walk: no check leaves this many processes, and a fork bomb must not hold the agent. */
const SUBTREE_PROCESSES_MAX = 4096;

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
}

function numbers(text: string): number[] {
  return text
    .split(/\s+/)
    .filter((s) => s !== "")
    .map(Number)
    .filter((n) => Number.isInteger(n) && n > 0);
}

/**
 * Whether /proc shows this process's own PID namespace (it does in every container and on a
 * host; not after `unshare --pid` without remounting /proc). Otherwise its pids are another
 * namespace's, and acting on them could hit unrelated processes: the tree is then empty.
 */
let procMatchesNamespace: boolean | undefined;
function procUsable(): boolean {
  if (procMatchesNamespace === undefined) {
    try {
      procMatchesNamespace = readlinkSync("/proc/self") === String(process.pid);
    } catch {
      procMatchesNamespace = false;
    }
  }
  return procMatchesNamespace;
}

export const procProcessTree: ProcessTree = {
  children(pid) {
    if (!procUsable()) return [];
    let tasks: string[];
    try {
      tasks = readdirSync(`/proc/${pid}/task`);
    } catch {
      return [];
    }
    const out = new Set<number>();
    for (const tid of tasks) for (const child of numbers(readText(`/proc/${pid}/task/${tid}/children`) ?? "")) out.add(child);
    return [...out];
  },

  subtree(pid) {
    const out: number[] = [];
    const seen = new Set<number>();
    const queue = [pid];
    while (queue.length > 0 && out.length < SUBTREE_PROCESSES_MAX) {
      const next = queue.shift() as number;
      if (seen.has(next)) continue;
      seen.add(next);
      out.push(next);
      queue.push(...this.children(next));
    }
    return out;
  },

  state(pid) {
    if (!procUsable()) return undefined;
    const stat = readText(`/proc/${pid}/stat`);
    if (stat === undefined) return undefined;
    // The command name in parentheses may itself hold spaces and parentheses.
    const afterName = stat.slice(stat.lastIndexOf(")") + 2);
    return afterName[0];
  },

  environmentValue(pid, name) {
    if (!procUsable()) return undefined;
    let environ: Buffer;
    try {
      environ = readFileSync(`/proc/${pid}/environ`);
    } catch {
      return undefined; // gone, or not ours to read
    }
    // Entries are NUL-terminated `NAME=value`; the name must start an entry.
    const prefix = Buffer.from(`${name}=`);
    let at = environ.subarray(0, prefix.length).equals(prefix) ? 0 : environ.indexOf(Buffer.concat([Buffer.from([0]), prefix]));
    if (at < 0) return undefined;
    if (at > 0) at += 1;
    const end = environ.indexOf(0, at);
    return environ.toString("utf8", at + prefix.length, end < 0 ? environ.length : end);
  },

  all() {
    if (!procUsable()) return [];
    try {
      return numbers(readdirSync("/proc").join(" "));
    } catch {
      return [];
    }
  },
};
