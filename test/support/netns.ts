/**
 * Test networks made of Linux network namespaces (root only).
 *
 * Each "host" is a namespace with `lo` up and one veth (`eth0`) whose other end sits on a bridge
 * in a dedicated "switch" namespace, so nothing touches the machine's own networking. Addresses
 * come from 10.203.<subnet>.0/24 and exist only inside these namespaces. Names carry the prefix,
 * the pid and a sequence number, so parallel runs never clash and a later run can sweep what a
 * killed run left behind.
 *
 * Cleanup is layered: destroy() (call it from afterAll / finally), a process 'exit' hook, a
 * detached watchdog that tears the namespaces down when this process dies or the network outlives
 * `maxLifetimeMs`, and every spawned process carries its own kill timeout.
 */
import type { Subprocess } from "bun";
import { existsSync } from "node:fs";
import { netnsPids, nsExists, run, runAsync, type RunResult } from "./netns-commands.ts";

export type { RunResult } from "./netns-commands.ts";

export interface TestHost {
  /** Short name, "h0".."h<n-1>". */
  name: string;
  /** Namespace name, for `ip netns exec <ns>`. */
  ns: string;
  /** IPv4 address on eth0. */
  ip: string;
  index: number;
}

export interface TestNetworkOptions {
  hosts: number;
  /** Namespace name prefix (letters, digits, dashes); default "satnet". */
  prefix?: string;
  /** Third octet of 10.203.X.0/24; default 0 (addresses are private to these namespaces). */
  subnet?: number;
  /** After this the watchdog destroys the network even if this process still runs; default 10 min. */
  maxLifetimeMs?: number;
}

export type OutputMode = "pipe" | "ignore" | "inherit";

export interface SpawnInHostOptions<Out extends OutputMode = "pipe", Err extends OutputMode = "pipe"> {
  /** SIGKILL after this many ms; default: what is left of the network's lifetime. */
  lifetimeMs?: number;
  /** Default "pipe"; read or ignore what you pipe, a full pipe stalls the child. */
  stdout?: Out;
  stderr?: Err;
  env?: Record<string, string | undefined>;
  cwd?: string;
}

export interface TestNetwork {
  readonly prefix: string;
  readonly hosts: readonly TestHost[];
  /** Namespace holding the bridge. */
  readonly switchNs: string;
  /** Runs argv inside the host's namespace to completion (killed after timeoutMs, default 10 s). */
  exec(host: TestHost, argv: string[], timeoutMs?: number): Promise<RunResult>;
  /** Starts argv inside the host's namespace. `ip netns exec` execs, so `.pid` is argv's own pid. */
  spawn<Out extends OutputMode = "pipe", Err extends OutputMode = "pipe">(host: TestHost, argv: string[], options?: SpawnInHostOptions<Out, Err>): Subprocess<"ignore", Out, Err>;
  /** Drops all traffic between every host of `a` and every host of `b`, both directions. */
  partition(a: readonly TestHost[], b: readonly TestHost[]): Promise<void>;
  /** Removes every partition rule. */
  heal(): Promise<void>;
  /** Drops `percent` % of the packets arriving on the host's eth0 at random; 0 removes the loss. */
  setLoss(host: TestHost, percent: number): Promise<void>;
  /** Kills every process in the namespaces and deletes them. Idempotent; never throws. */
  destroy(): Promise<void>;
}

const PARTITION_CHAIN = "SATNET-PART";
const LOSS_CHAIN = "SATNET-LOSS";
const DEFAULT_LIFETIME_MS = 10 * 60_000;
let sequence = 0;

/** Why namespaces cannot be used here, or null when they can. */
export function netnsUnavailableReason(): string | null {
  if (process.getuid?.() !== 0) return "network namespaces need root (run the tests as root)";
  for (const tool of ["ip", "iptables"]) {
    if (!Bun.which(tool)) return `'${tool}' is not installed (scripts/install-test-deps.sh installs it)`;
  }
  return null;
}

/** Deletes namespaces named `<prefix>-<pid>-...` whose pid is no longer running; returns their names. */
export function sweepStaleNamespaces(prefix = "satnet"): string[] {
  const listed = run(["ip", "netns", "list"], 5_000);
  if (listed.exitCode !== 0) return [];
  const pattern = new RegExp(`^${escapeRegExp(prefix)}-(\\d+)-\\d+-`);
  const swept: string[] = [];
  for (const line of listed.stdout.split("\n")) {
    const ns = line.split(" ")[0] ?? "";
    const owner = Number(ns.match(pattern)?.[1] ?? Number.NaN);
    if (!Number.isFinite(owner) || isRunning(owner)) continue;
    deleteNamespace(ns);
    swept.push(ns);
  }
  return swept;
}

export async function createTestNetwork(options: TestNetworkOptions): Promise<TestNetwork> {
  const unavailable = netnsUnavailableReason();
  if (unavailable) throw new Error(`cannot create a test network: ${unavailable}`);
  const prefix = options.prefix ?? "satnet";
  if (!/^[a-z][a-z0-9-]{0,19}$/.test(prefix)) throw new Error(`test network prefix '${prefix}': use 1-20 lowercase letters, digits or dashes`);
  if (!Number.isInteger(options.hosts) || options.hosts < 1 || options.hosts > 250) throw new Error(`test network hosts=${options.hosts}: use 1..250`);
  const subnet = options.subnet ?? 0;
  const maxLifetimeMs = options.maxLifetimeMs ?? DEFAULT_LIFETIME_MS;
  sweepStaleNamespaces(prefix);

  const base = `${prefix}-${process.pid}-${sequence++}`;
  const switchNs = `${base}-sw`;
  const hosts: TestHost[] = Array.from({ length: options.hosts }, (_, index) => ({
    name: `h${index}`,
    ns: `${base}-h${index}`,
    ip: `10.203.${subnet}.${index + 1}`,
    index,
  }));
  const allNs = [switchNs, ...hosts.map((h) => h.ns)];
  const children = new Set<Subprocess>();
  const deadline = performance.now() + maxLifetimeMs;
  let destroyed = false;

  const destroySync = () => {
    if (destroyed) return;
    destroyed = true;
    process.off("exit", destroySync);
    for (const child of children) killQuietly(child.pid);
    for (const ns of allNs) deleteNamespace(ns);
    killQuietly(watchdog?.pid);
  };
  process.on("exit", destroySync);
  let watchdog: Subprocess | undefined;

  try {
    must(["ip", "netns", "add", switchNs]);
    must(["ip", "-n", switchNs, "link", "add", "br0", "type", "bridge"]);
    must(["ip", "-n", switchNs, "link", "set", "br0", "up"]);
    for (const host of hosts) {
      must(["ip", "netns", "add", host.ns]);
      must(["ip", "-n", host.ns, "link", "set", "lo", "up"]);
      must(["ip", "-n", switchNs, "link", "add", `v${host.index}`, "type", "veth", "peer", "name", "eth0", "netns", host.ns]);
      must(["ip", "-n", switchNs, "link", "set", `v${host.index}`, "master", "br0", "up"]);
      must(["ip", "-n", host.ns, "addr", "add", `${host.ip}/24`, "dev", "eth0"]);
      must(["ip", "-n", host.ns, "link", "set", "eth0", "up"]);
      for (const chain of [PARTITION_CHAIN, LOSS_CHAIN]) must(["ip", "netns", "exec", host.ns, "iptables", "-N", chain]);
      must(["ip", "netns", "exec", host.ns, "iptables", "-A", "INPUT", "-j", LOSS_CHAIN]);
      must(["ip", "netns", "exec", host.ns, "iptables", "-A", "INPUT", "-j", PARTITION_CHAIN]);
      must(["ip", "netns", "exec", host.ns, "iptables", "-A", "OUTPUT", "-j", PARTITION_CHAIN]);
    }
    watchdog = startWatchdog(allNs, maxLifetimeMs);
  } catch (error) {
    destroySync();
    throw error;
  }

  const hostIn = (host: TestHost) => {
    if (hosts[host.index]?.ns !== host.ns) throw new Error(`host ${host.name} (${host.ns}) is not part of test network ${base}`);
    if (destroyed) throw new Error(`test network ${base} was destroyed`);
    return host.ns;
  };
  const iptables = async (host: TestHost, args: string[]) => {
    const result = await runAsync(["ip", "netns", "exec", hostIn(host), "iptables", ...args], 10_000);
    if (result.exitCode !== 0) throw new Error(`iptables ${args.join(" ")} in ${host.ns} failed: ${result.stderr.trim()}`);
  };

  return {
    prefix,
    hosts,
    switchNs,
    exec: (host, argv, timeoutMs = 10_000) => runAsync(["ip", "netns", "exec", hostIn(host), ...argv], timeoutMs),
    spawn<Out extends OutputMode = "pipe", Err extends OutputMode = "pipe">(host: TestHost, argv: string[], opts: SpawnInHostOptions<Out, Err> = {}) {
      const ns = hostIn(host);
      const lifetimeMs = Math.max(1, Math.min(opts.lifetimeMs ?? Number.POSITIVE_INFINITY, deadline - performance.now()));
      const child = Bun.spawn(["ip", "netns", "exec", ns, ...argv], {
        stdin: "ignore",
        stdout: opts.stdout ?? "pipe",
        stderr: opts.stderr ?? "pipe",
        env: opts.env,
        cwd: opts.cwd,
        timeout: Math.round(lifetimeMs),
        killSignal: "SIGKILL",
      });
      children.add(child);
      void child.exited.then(() => children.delete(child));
      return child as unknown as Subprocess<"ignore", Out, Err>;
    },
    async partition(a, b) {
      for (const x of a) {
        for (const y of b) {
          await iptables(x, ["-A", PARTITION_CHAIN, "-s", y.ip, "-j", "DROP"]);
          await iptables(x, ["-A", PARTITION_CHAIN, "-d", y.ip, "-j", "DROP"]);
          await iptables(y, ["-A", PARTITION_CHAIN, "-s", x.ip, "-j", "DROP"]);
          await iptables(y, ["-A", PARTITION_CHAIN, "-d", x.ip, "-j", "DROP"]);
        }
      }
    },
    async heal() {
      for (const host of hosts) await iptables(host, ["-F", PARTITION_CHAIN]);
    },
    async setLoss(host, percent) {
      if (!(percent >= 0 && percent <= 100)) throw new Error(`setLoss(${host.name}, ${percent}): percent must be within 0..100`);
      await iptables(host, ["-F", LOSS_CHAIN]);
      if (percent === 0) return;
      const probability = (percent / 100).toFixed(4);
      await iptables(host, ["-A", LOSS_CHAIN, "-i", "eth0", "-m", "statistic", "--mode", "random", "--probability", probability, "-j", "DROP"]);
    },
    async destroy() {
      const exits = [...children].map((c) => c.exited.catch(() => undefined));
      destroySync();
      await Promise.race([Promise.all(exits), Bun.sleep(5_000)]);
    },
  };
}

/** Names of the namespaces that still exist among `names` (for checking that cleanup worked). */
export function existingNamespaces(names: readonly string[]): string[] {
  return names.filter(nsExists);
}

function must(argv: string[]): void {
  const result = run(argv, 10_000);
  if (result.exitCode !== 0) throw new Error(`${argv.join(" ")} failed (exit ${result.exitCode}): ${result.stderr.trim()}`);
}

function deleteNamespace(ns: string): void {
  for (const pid of netnsPids(ns)) killQuietly(pid);
  if (existsSync(`/run/netns/${ns}`)) run(["ip", "netns", "del", ns], 5_000);
}

/**
 * A detached shell that outlives us: once this process is gone, or the lifetime is up, or the
 * namespaces were deleted, it kills what runs in them and deletes them.
 */
function startWatchdog(namespaces: readonly string[], maxLifetimeMs: number): Subprocess {
  const list = namespaces.join(" ");
  const script = [
    `end=$(( $(date +%s) + ${Math.ceil(maxLifetimeMs / 1000)} ))`,
    `while kill -0 ${process.pid} 2>/dev/null && [ $(date +%s) -lt $end ] && [ -e /run/netns/${namespaces[0]} ]; do sleep 1; done`,
    `for ns in ${list}; do [ -e /run/netns/$ns ] || continue; ip netns pids $ns | xargs -r kill -9; ip netns del $ns; done`,
  ].join("\n");
  const child = Bun.spawn(["setsid", "sh", "-c", script], { stdin: "ignore", stdout: "ignore", stderr: "ignore" });
  child.unref();
  return child;
}

function killQuietly(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(pid, "SIGKILL");
  } catch {
    // already gone
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
