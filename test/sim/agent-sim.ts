import { z } from "zod";
import { startAgent, type RunningAgent } from "../../src/agent/agent.ts";
import type { AgentGossipNet, AgentPlatform } from "../../src/agent/platform-deps.ts";
import type { KnownPeer } from "../../src/cluster/serf-snapshot.ts";
import { loadAgentConfig } from "../../src/config/load.ts";
import type { AgentEvent } from "../../src/events/agent-event.ts";
import type { GossipNetHandlers, NetAddress } from "../../src/membership/gossip-net.ts";
import type { GossipMessage } from "../../src/membership/messages.ts";
import type { SimGossipNet } from "../../src/membership/sim-gossip-net.ts";
import { SimNetwork } from "../../src/membership/sim-net.ts";
import { encodeMessage } from "../../src/membership/wire/index.ts";
import { bunExec } from "../../src/platform/exec.ts";
import { createFakeHostProbe } from "../../src/platform/host-probe.ts";
import type { RequestHandler } from "../../src/platform/http-server.ts";
import { createMemoryLogger } from "../../src/platform/logger.ts";
import { createSeededRandom } from "../../src/platform/random.ts";
import type { CheckOutcome } from "../../src/probes/check-outcome.ts";
import type { CheckerKind } from "../../src/probes/checker.ts";
import { createMemoryHistoryStore } from "../../src/store/memory-history-store.ts";
import { createRecordedHostFacts } from "../../src/platform/host-facts.ts";
import { readRegularTextFile } from "../../src/platform/regular-file.ts";
import { HeapClock } from "./heap-clock.ts";
import { createMemoryReplicaStore } from "../../src/kv/memory-replica-store.ts";
import type { KvReplicaStore } from "../../src/kv/replica-store.ts";

/** One complete agent (startAgent itself) of an AgentSim, and what the test can see of it. */
export interface SimAgent {
  name: string;
  ip: string;
  agent: RunningAgent;
  /** Every event its stream published, in order. */
  events: AgentEvent[];
  /** The outcome its one configured check (`app`) reports on its next run. */
  appOutcome: CheckOutcome;
  /** Its HTTP API, as the listener was handed it (no socket). */
  request(path: string, init?: RequestInit & { remoteAddress?: string }): Promise<Response>;
  logLines: string[];
  running: boolean;
}

/** A check kind whose outcome the test sets per agent. */
function switchKind(agent: () => SimAgent): CheckerKind {
  return { kind: "sim-switch", description: "reports what the test set", options: () => z.object({}).strict(), create: () => async () => [agent().appOutcome] };
}

/** The simulated network as the agent's gossip transport: SimGossipNet plus the stats shape the agent reads. */
class SimAgentNet implements AgentGossipNet {
  constructor(private readonly net: SimGossipNet) {}
  get localAddress(): NetAddress {
    return this.net.localAddress;
  }
  get packetBudgetBytes(): number {
    return this.net.packetBudgetBytes;
  }
  setHandlers(handlers: GossipNetHandlers): void {
    this.net.setHandlers(handlers);
  }
  encodedSize(msg: GossipMessage): number {
    return this.net.encodedSize(msg);
  }
  sendPacket(to: NetAddress, msgs: readonly GossipMessage[]): void {
    this.net.sendPacket(to, msgs);
  }
  sendStream(to: NetAddress, msg: GossipMessage, options: { timeoutMs: number; expectReply: boolean }): Promise<GossipMessage | undefined> {
    return this.net.sendStream(to, msg, options);
  }
  stats() {
    return { ...this.net.stats(), dropsByReason: {} };
  }
  close(): Promise<void> {
    return this.net.close();
  }
}

/**
 * N complete agents — `startAgent` with its own composition, not a re-wiring of its parts — in
 * one process: a seeded simulated network, one heap clock, memory history stores, and HTTP
 * listeners that only keep the handler. Each agent runs one check, `app`, whose outcome the
 * test sets.
 */
export class AgentSim {
  readonly clock: HeapClock;
  readonly network: SimNetwork;
  readonly agents = new Map<string, SimAgent>();

  /** `startWallMs`: the wall clock at the start (default 2026-01-01), e.g. now, for real receivers that compare times. */
  constructor(
    private readonly seed: number,
    options: { startWallMs?: number } = {},
  ) {
    this.clock = new HeapClock(options.startWallMs);
    this.network = new SimNetwork({ clock: this.clock, random: createSeededRandom(seed), link: { delayMs: 1, jitterMs: 2 }, encodedSize: (m) => encodeMessage(m).length });
  }

  static ipOf(index: number): string {
    return `10.3.0.${index + 1}`;
  }

  /** History stores of earlier runs, by agent name, for restarts that keep their history. */
  private readonly stores = new Map<string, ReturnType<typeof createMemoryHistoryStore>>();

  /** Key-value replicas by agent name: like a disk, they survive a kill and a restart. */
  readonly kvStores = new Map<string, KvReplicaStore>();

  /** `keepHistory`: a restart finds the history of the agent's previous run, as it would on disk. */
  async start(index: number, role: "master" | "node", join: number[] = [], options: { keepHistory?: boolean } = {}): Promise<SimAgent> {
    const name = `node-${index}`;
    const ip = AgentSim.ipOf(index);
    const logger = createMemoryLogger();
    let handler: RequestHandler | undefined;
    const snapshot: KnownPeer[] = [];
    const platform: AgentPlatform = this.equip(name, {
      clock: this.clock,
      random: createSeededRandom(this.seed * 7919 + index),
      logger,
      hostProbe: createFakeHostProbe([]),
      // Detectors and applyOn read a host with nothing on it unless a subclass gives one.
      hostFacts: createRecordedHostFacts({}),
      exec: bunExec,
      makeDir: () => {},
      resolveHost: async (host) => host,
      openGossipNet: async (options) => new SimAgentNet(this.network.createNet({ ip: options.bindAddr, port: options.bindPort })),
      openHistoryStore: (storeOptions) => {
        const kept = options.keepHistory ? this.stores.get(name) : undefined;
        const store = kept ?? createMemoryHistoryStore({ retentionMs: storeOptions.retentionMs });
        this.stores.set(name, store);
        // Closing at stop would end it for the next run: the next run's agent gets it open.
        return { ...store, close: async () => {} };
      },
      openKvReplicaStore: () => {
        const store = this.kvStores.get(name) ?? createMemoryReplicaStore();
        this.kvStores.set(name, store);
        return store;
      },
      listenHttp: async (addresses, h) => {
        handler = h;
        return { addresses: [...addresses], stop: async () => {} };
      },
      peerSnapshots: () => ({ load: async () => [...snapshot], save: async (peers) => void snapshot.splice(0, snapshot.length, ...peers) }),
    });
    const sim = { name, ip, events: [], appOutcome: { status: "running" }, logLines: logger.lines, running: true } as unknown as SimAgent;
    const kinds = [switchKind(() => sim)];
    const file = { name, tags: { role }, gossipAddr: `${ip}:7946`, initialCluster: join.map((i) => `${AgentSim.ipOf(i)}:7946`), defaultChecks: false, checks: [{ name: "app", kind: "sim-switch", intervalMs: 1000 }] };
    const config = loadAgentConfig({
      flags: { config: "/sim/satellite.json" },
      env: {},
      // Other files the config names (a generator's template) are real files.
      readFile: (path, bytesMax) => (path === "/sim/satellite.json" ? JSON.stringify({ ...file, ...this.extraConfig(name) }) : readRegularTextFile(path, bytesMax)),
      hostname: () => name,
      cwd: "/sim",
      findKind: (kind) => kinds.find((k) => k.kind === kind),
      kindNames: kinds.map((k) => k.kind),
    });
    sim.agent = await startAgent(config, platform, { find: (kind) => kinds.find((k) => k.kind === kind), names: kinds.map((k) => k.kind) });
    sim.agent.events.subscribe("test", (event) => sim.events.push(event));
    sim.request = async (path, init = {}) => {
      if (!handler) throw new Error(`${name} has no HTTP listener`);
      return handler(new Request(`http://${ip}:7575${path}`, init), { remoteAddress: init.remoteAddress ?? "127.0.0.1" });
    };
    this.agents.set(name, sim);
    return sim;
  }

  /** More config-file keys for an agent (a subclass adds notifiers, handlers, ...); none by default. */
  protected extraConfig(_name: string): Record<string, unknown> {
    return {};
  }

  /** The agent's platform as built; a subclass may add or replace parts (e.g. `notify`). */
  protected equip(_name: string, platform: AgentPlatform): AgentPlatform {
    return platform;
  }

  get(name: string): SimAgent {
    const agent = this.agents.get(name);
    if (!agent) throw new Error(`no agent ${name}`);
    return agent;
  }

  running(): SimAgent[] {
    return [...this.agents.values()].filter((a) => a.running);
  }

  async stop(name: string, leave: boolean): Promise<void> {
    const agent = this.get(name);
    const stopping = agent.agent.stop({ leave });
    // A graceful leave waits on gossip timers: keep the clock moving until it is done.
    let done = false;
    void stopping.then(() => (done = true));
    for (let i = 0; !done; i++) {
      if (i > 600) throw new Error(`${name} did not stop within 60 s of simulated time`);
      await this.clock.advance(100);
    }
    agent.running = false;
  }

  /** Advances the clock until `cond` holds; simulated ms taken, or -1 past `limitMs`. */
  async advanceUntil(cond: () => boolean, limitMs: number, stepMs = 250): Promise<number> {
    const start = this.clock.monotonicMs();
    while (!cond()) {
      if (this.clock.monotonicMs() - start >= limitMs) return -1;
      await this.clock.advance(stepMs);
    }
    return this.clock.monotonicMs() - start;
  }

  async stopAll(): Promise<void> {
    for (const agent of this.running()) await this.stop(agent.name, false);
  }
}
