/**
 * A set of real gossip agents of one implementation, all in one namespace host, on loopback.
 * Every log line is timestamped on arrival (performance.now()); membership events drive the
 * waits, so nothing here sleeps to wait for a condition.
 */
import type { Subprocess } from "bun";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { TestHost, TestNetwork } from "../../test/support/netns.ts";
import type { AgentSpec, Driver, MemberEventKind } from "./real-drivers.ts";

export const GOSSIP_BASE_PORT = 20_000;
export const RPC_BASE_PORT = 30_000;

export interface TimedEvent {
  kind: MemberEventKind;
  who: string;
  t: number;
}

export interface Agent {
  spec: AgentSpec;
  proc: Subprocess<"ignore", "pipe", "pipe">;
  pid: number;
  tSpawn: number;
  /** When its "started" log line arrived. */
  tReady?: number;
  tExit?: number;
  running: boolean;
  /** Set once we asked it to leave or killed it: no longer counted as a live observer. */
  gone: boolean;
  /** Members this agent's log says are alive. */
  alive: Set<string>;
  events: TimedEvent[];
  /** Last log lines, for diagnosing an agent that exits early. */
  tail: string[];
  /** Every log line with its arrival time (ms since the agent was spawned), when logs are kept. */
  log?: string[];
}

export class BenchCluster {
  readonly agents = new Map<string, Agent>();
  private nextIndex = 0;
  private waiters = new Set<() => void>();

  constructor(
    readonly net: TestNetwork,
    readonly host: TestHost,
    readonly driver: Driver,
    private readonly dir: string,
    private readonly agentLifetimeMs: number,
    private readonly keepLogs = false,
    /** Added to the agents' nice value, so the observing bench is not starved by a burst. */
    private readonly agentNice = 0,
    /**
     * Each agent gossips on a loopback address of its own (127.0.x.y), as each node of a cluster
     * has its own address; false puts all on 127.0.0.1, where per-peer bounds of incoming
     * streams count every agent as the same peer.
     */
    private readonly addressPerAgent = false,
  ) {}

  /** Starts an agent that joins `seed` (none: the first of a cluster). */
  start(name: string, seed?: AgentSpec): Agent {
    const index = this.nextIndex++;
    const gossipIp = this.addressPerAgent ? `127.0.${Math.floor(index / 250)}.${(index % 250) + 1}` : "127.0.0.1";
    const joinAt = seed ? { ip: seed.gossipIp, port: seed.gossipPort } : undefined;
    const spec: AgentSpec = { name, gossipIp, gossipPort: GOSSIP_BASE_PORT + index, rpcPort: RPC_BASE_PORT + index, join: joinAt, dir: join(this.dir, name) };
    // `nice` execs the agent, so the pid stays the agent's own.
    const argv = this.agentNice ? ["nice", "-n", String(this.agentNice), ...this.driver.agentArgv(spec)] : this.driver.agentArgv(spec);
    const proc = this.net.spawn(this.host, argv, { lifetimeMs: this.agentLifetimeMs });
    const agent: Agent = { spec, proc, pid: proc.pid, tSpawn: performance.now(), running: true, gone: false, alive: new Set(), events: [], tail: [], log: this.keepLogs ? [] : undefined };
    this.agents.set(name, agent);
    void proc.exited.then(() => {
      agent.running = false;
      agent.tExit = performance.now();
      this.notify();
    });
    const onLine = (line: string) => this.onLine(agent, line);
    void pumpLines(proc.stdout, onLine);
    void pumpLines(proc.stderr, onLine);
    return agent;
  }

  /** Agents that run and were not killed or asked to leave. */
  live(): Agent[] {
    return [...this.agents.values()].filter((a) => a.running && !a.gone);
  }

  kill(agent: Agent): void {
    agent.gone = true;
    try {
      process.kill(agent.pid, "SIGKILL");
    } catch {
      // already exited
    }
  }

  /** Starts the implementation's leave command; resolves with its result when it finishes. */
  leave(agent: Agent) {
    agent.gone = true;
    return this.net.exec(this.host, this.driver.leaveArgv(agent.spec), 30_000);
  }

  /** Resolves true once `predicate` holds (checked on every log line and exit), false at the timeout. */
  waitUntil(predicate: () => boolean, timeoutMs: number): Promise<boolean> {
    if (predicate()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const check = () => {
        if (!predicate()) return;
        this.waiters.delete(check);
        clearTimeout(timer);
        resolve(true);
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        resolve(false);
      }, timeoutMs);
      this.waiters.add(check);
    });
  }

  /** Time of the first `kind` event about `who` that `observer` logged at or after `after`. */
  eventTime(observer: Agent, kind: MemberEventKind, who: string, after: number): number | undefined {
    return observer.events.find((e) => e.kind === kind && e.who === who && e.t >= after)?.t;
  }

  /** Asks every given agent (through its own API/RPC) which members are alive. */
  async probeMembers(agents: Agent[], serfBinary: string): Promise<Record<string, string[] | string>> {
    const script = join(import.meta.dir, "members-probe.ts");
    const targets = agents.map((a) => `${a.spec.name}=${a.spec.rpcPort}`);
    const r = await this.net.exec(this.host, [process.execPath, script, this.driver.impl, serfBinary, ...targets], 120_000);
    if (r.exitCode !== 0) throw new Error(`members probe failed (exit ${r.exitCode}): ${r.stderr.trim().slice(0, 500)}`);
    return JSON.parse(r.stdout) as Record<string, string[] | string>;
  }

  async stopAll(): Promise<void> {
    for (const agent of this.agents.values()) if (agent.running) this.kill(agent);
    await Promise.race([Promise.all([...this.agents.values()].map((a) => a.proc.exited)), Bun.sleep(10_000)]);
  }

  /** Writes each agent's kept log to `<dir>/<name>.log`; returns how many files were written. */
  writeLogs(dir: string): number {
    mkdirSync(dir, { recursive: true });
    let written = 0;
    for (const agent of this.agents.values()) {
      if (!agent.log) continue;
      writeFileSync(join(dir, `${agent.spec.name}.log`), `${agent.log.join("\n")}\n`);
      written++;
    }
    return written;
  }

  private onLine(agent: Agent, line: string): void {
    const t = performance.now();
    agent.tail.push(line);
    agent.log?.push(`+${(t - agent.tSpawn).toFixed(0)}ms ${line}`);
    if (agent.tReady === undefined && this.driver.readyLine.test(line)) agent.tReady = t;
    if (agent.tail.length > 20) agent.tail.shift();
    const events = this.driver.parseLine(line);
    if (events.length === 0) return;
    for (const event of events) {
      agent.events.push({ ...event, t });
      if (event.kind === "join") agent.alive.add(event.who);
      else if (event.kind !== "update") agent.alive.delete(event.who);
    }
    this.notify();
  }

  private notify(): void {
    for (const check of [...this.waiters]) check();
  }
}

async function pumpLines(stream: ReadableStream<Uint8Array>, onLine: (line: string) => void): Promise<void> {
  const decoder = new TextDecoder();
  let buffered = "";
  try {
    for await (const chunk of stream) {
      buffered += decoder.decode(chunk, { stream: true });
      let nl = buffered.indexOf("\n");
      while (nl >= 0) {
        onLine(buffered.slice(0, nl));
        buffered = buffered.slice(nl + 1);
        nl = buffered.indexOf("\n");
      }
    }
  } catch {
    // the process was killed mid-read
  }
  if (buffered) onLine(buffered);
}
