/**
 * How the real-process gossip bench starts, reads and stops each implementation. Both run with
 * their LAN defaults inside one network namespace, one port pair per agent, gossiping on a
 * loopback address of their own or all on 127.0.0.1 (the API or RPC always on 127.0.0.1).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export type Impl = "serf" | "satellite";
export type MemberEventKind = "join" | "failed" | "leave" | "update";

export interface MemberEvent {
  kind: MemberEventKind;
  who: string;
}

export interface AgentSpec {
  name: string;
  /** The loopback address the agent gossips on. */
  gossipIp: string;
  gossipPort: number;
  rpcPort: number;
  /** The seed to join at start. */
  join?: { ip: string; port: number };
  /** Directory this agent may use for state and config. */
  dir: string;
}

export interface Driver {
  impl: Impl;
  /** Command line that runs the agent in the foreground, logging membership events. */
  agentArgv(spec: AgentSpec): string[];
  /**
   * The membership events a log line reports. More than one is possible: serf's concurrent log
   * writes occasionally lose the newline between two entries.
   */
  parseLine(line: string): MemberEvent[];
  /** A log line meaning the agent has started (its gossip socket is open). */
  readyLine: RegExp;
  /** Command line that makes the running agent leave gracefully. */
  leaveArgv(spec: AgentSpec): string[];
  /** Name and version, for the report. */
  describe(): string;
}

export interface DriverOptions {
  serfBinary: string;
  satelliteBinary: string;
  /** Keep Satellite's built-in health checks on (off measures the gossip agent alone, like serf). */
  satelliteChecks: boolean;
  /** YAML appended to each Satellite agent's config file (e.g. "kv:\n  enabled: false\n"). */
  satelliteConfigExtra?: string;
}

const SERF_EVENT = /serf: EventMember(Join|Failed|Leave|Update)(?: \(forced\))?: (\S+)/g;
/** Both log formats: `... INFO member-join name=n1 ...` and logfmt's `level=info msg=member-join name=n1 ...`. */
const SATELLITE_EVENT = /(?:\bINFO |\blevel=info msg=)member-(join|failed|leave|update) name=(\S+)/g;

export function serfDriver(options: DriverOptions): Driver {
  return {
    impl: "serf",
    agentArgv: (spec) => {
      const argv = [options.serfBinary, "agent", `-node=${spec.name}`, `-bind=${spec.gossipIp}:${spec.gossipPort}`, `-rpc-addr=127.0.0.1:${spec.rpcPort}`, "-log-level=info", "-tag", "role=node"];
      if (spec.join) argv.push(`-join=${spec.join.ip}:${spec.join.port}`);
      return argv;
    },
    readyLine: /Serf agent running!/,
    parseLine: (line) => [...line.matchAll(SERF_EVENT)].map((m) => ({ kind: (m[1] as string).toLowerCase() as MemberEventKind, who: m[2] as string })),
    leaveArgv: (spec) => [options.serfBinary, "leave", `-rpc-addr=127.0.0.1:${spec.rpcPort}`],
    describe: () => `serf (${firstLine([options.serfBinary, "version"])})`,
  };
}

export function satelliteDriver(options: DriverOptions): Driver {
  return {
    impl: "satellite",
    agentArgv: (spec) => {
      mkdirSync(spec.dir, { recursive: true });
      const config = join(spec.dir, "bench.yaml");
      writeFileSync(config, `defaultChecks: ${options.satelliteChecks}\n${options.satelliteConfigExtra ?? ""}`);
      const argv = [
        options.satelliteBinary, "agent",
        "--name", spec.name,
        "--rpc-addr", `127.0.0.1:${spec.rpcPort}`,
        "--gossip-addr", `${spec.gossipIp}:${spec.gossipPort}`,
        "--advertise-addr", spec.gossipIp,
        "--state-dir", spec.dir,
        "--config", config,
        "--profile", "lan",
        "--tags", "role:node",
      ];
      if (spec.join) argv.push("--initial-cluster", `${spec.join.ip}:${spec.join.port}`);
      return argv;
    },
    readyLine: /(?:\bINFO agent started\b|\blevel=info msg="agent started")/,
    parseLine: (line) => [...line.matchAll(SATELLITE_EVENT)].map((m) => ({ kind: m[1] as MemberEventKind, who: m[2] as string })),
    leaveArgv: (spec) => [options.satelliteBinary, "leave", "--rpc-port", String(spec.rpcPort)],
    describe: () => `satellite (${firstLine([options.satelliteBinary, "version"])}; built-in checks ${options.satelliteChecks ? "on" : "off"})`,
  };
}

function firstLine(argv: string[]): string {
  try {
    const r = Bun.spawnSync(argv, { stdout: "pipe", stderr: "pipe", timeout: 10_000 });
    return (r.stdout.toString() || r.stderr.toString()).split("\n")[0]?.trim() || `exit ${r.exitCode}`;
  } catch (error) {
    return `cannot run ${argv[0]}: ${String(error)}`;
  }
}
