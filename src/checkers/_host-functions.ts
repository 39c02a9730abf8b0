import type { HostFacts } from "../platform/host-facts.ts";
import { type ExprValue, ExprEvalError, type HostFunctions } from "./_expr-eval.ts";
import { parseProcNet } from "./_proc.ts";

/** Bytes of a file `fileContains` looks at (its head); larger files are searched in this much only. */
export const FILE_CONTAINS_BYTES_MAX = 64 * 1024;
/** Bytes of /etc/os-release read. */
const OS_RELEASE_BYTES_MAX = 16 * 1024;
/** Processes examined by `processRunning`. */
const PROCESSES_MAX = 100_000;
/** Bytes of one /proc/net table read (a host with very many sockets is searched in this much). */
const PROC_NET_BYTES_MAX = 4 * 1024 * 1024;
/** /proc/<pid>/comm holds at most this many characters of a program's name. */
const COMM_LENGTH = 15;

function absolute(fn: string, path: string): string {
  if (!path.startsWith("/")) throw new ExprEvalError(`${fn}() needs an absolute path, not ${JSON.stringify(path)}`);
  return path;
}

/** `KEY="value"` lines of os-release(5) to a map; quotes removed. */
export function parseOsRelease(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split("\n")) {
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (!m) continue;
    let value = m[2] as string;
    if (/^".*"$|^'.*'$/.test(value)) value = value.slice(1, -1).replace(/\\(["'$`\\])/g, "$1");
    out.set(m[1] as string, value);
  }
  return out;
}

/**
 * The host functions over `facts` and this node's tags. Build one per pass over the detectors
 * (or per planning of checks): the process list, listening ports and os-release are read once per
 * pass and shared by every expression evaluated with it.
 */
export function createHostFunctions(facts: HostFacts, tags: () => Readonly<Record<string, string>>): HostFunctions {
  let processes: Promise<Set<string>> | undefined;
  let ports: Promise<Set<number>> | undefined;
  let osRelease: Promise<Map<string, string>> | undefined;

  const readProcesses = async (): Promise<Set<string>> => {
    const names = new Set<string>();
    const pids = ((await facts.files.listDir("/proc")) ?? []).filter((p) => /^\d+$/.test(p)).slice(0, PROCESSES_MAX);
    for (const pid of pids) {
      const comm = (await facts.files.readText(`/proc/${pid}/comm`).catch(() => undefined))?.trim();
      if (comm) names.add(comm);
    }
    return names;
  };
  const readPorts = async (): Promise<Set<number>> => {
    const out = new Set<number>();
    for (const protocol of ["tcp", "tcp6"] as const) {
      const text = await facts.readHead(`/proc/net/${protocol}`, PROC_NET_BYTES_MAX);
      if (text !== undefined) for (const l of parseProcNet(text, protocol)) out.add(l.port);
    }
    return out;
  };
  const readOsRelease = async (): Promise<Map<string, string>> => {
    const text = (await facts.readHead("/etc/os-release", OS_RELEASE_BYTES_MAX)) ?? (await facts.readHead("/usr/lib/os-release", OS_RELEASE_BYTES_MAX));
    return parseOsRelease(text ?? "");
  };

  const str = (args: readonly ExprValue[], i: number): string => String(args[i]);
  return {
    fileExists: async (args) => ((await facts.exists(absolute("fileExists", str(args, 0)))) ? 1 : 0),
    fileContains: async (args) => {
      const head = await facts.readHead(absolute("fileContains", str(args, 0)), FILE_CONTAINS_BYTES_MAX);
      return head !== undefined && head.includes(str(args, 1)) ? 1 : 0;
    },
    processRunning: async (args) => {
      processes ??= readProcesses();
      return (await processes).has(str(args, 0).slice(0, COMM_LENGTH)) ? 1 : 0;
    },
    portListening: async (args) => {
      const port = Number(args[0]);
      if (!Number.isInteger(port) || port < 1 || port > 65535) throw new ExprEvalError(`portListening() needs a port from 1 to 65535, not ${args[0]}`);
      ports ??= readPorts();
      return (await ports).has(port) ? 1 : 0;
    },
    env: async (args) => facts.env(str(args, 0)) ?? "",
    osRelease: async (args) => {
      osRelease ??= readOsRelease();
      return (await osRelease).get(str(args, 0)) ?? "";
    },
    tag: async (args) => {
      const all = tags();
      const name = str(args, 0);
      return Object.hasOwn(all, name) ? (all[name] as string) : "";
    },
  };
}
