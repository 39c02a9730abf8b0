import { defaultSerfConfig, type SerfConfig } from "../../src/cluster/serf-config.ts";
import type { SerfEvent } from "../../src/cluster/serf-core.ts";
import type { SerfMember } from "../../src/cluster/serf-members.ts";
import type { SerfCodec, TagCodec } from "../../src/cluster/serf-messages.ts";
import type { KnownPeer, MemberSnapshotStore } from "../../src/cluster/serf-snapshot.ts";
import { createSerf, type Serf } from "../../src/cluster/serf.ts";
import { lanConfig } from "../../src/membership/config-presets.ts";
import type { NetAddress } from "../../src/membership/gossip-net.ts";
import type { SimGossipNet } from "../../src/membership/sim-gossip-net.ts";
import { SimNetwork, type SimLinkProfile } from "../../src/membership/sim-net.ts";
import type { SimWire } from "../../src/membership/sim-wire.ts";
import type { Clock } from "../../src/platform/clock.ts";
import { silentLogger } from "../../src/platform/logger.ts";
import { ManualClock } from "../../src/platform/manual-clock.ts";
import { createSeededRandom } from "../../src/platform/random.ts";
import { jsonSerfCodec, jsonTagCodec } from "./stand-in-codecs.ts";

export interface RecordedEvent {
  atMs: number;
  observer: string;
  event: SerfEvent;
}

export class MemorySnapshotStore implements MemberSnapshotStore {
  peers: KnownPeer[] = [];
  saves = 0;
  async load(): Promise<KnownPeer[]> {
    return [...this.peers];
  }
  async save(peers: KnownPeer[]): Promise<void> {
    this.saves++;
    this.peers = [...peers];
  }
}

export interface SerfSimNode {
  name: string;
  address: NetAddress;
  net: SimGossipNet;
  serf: Serf;
  snapshots: MemorySnapshotStore;
  incarnation: number;
}

export interface SerfSimOptions {
  seed: number;
  link?: Partial<SimLinkProfile>;
  configure?: (config: SerfConfig) => SerfConfig;
  codec?: SerfCodec;
  tagCodec?: TagCodec;
  /** A faster clock for large clusters (same semantics as ManualClock). */
  clock?: Clock & { advance(ms: number): Promise<void> };
  encodedSize?: ConstructorParameters<typeof SimNetwork>[0]["encodedSize"];
  /** Packets and streams travel as bytes through this codec (sim-wire.ts). */
  wire?: SimWire;
}

/** A simulated serf cluster: one clock, one seeded network, every event recorded. */
export class SerfSim {
  readonly clock: Clock & { advance(ms: number): Promise<void> };
  readonly network: SimNetwork;
  readonly nodes = new Map<string, SerfSimNode>();
  readonly events: RecordedEvent[] = [];
  /** Which events to keep (large benches keep only failures and leaves). */
  recordFilter: (event: SerfEvent) => boolean = () => true;

  constructor(private readonly options: SerfSimOptions) {
    this.clock = options.clock ?? new ManualClock();
    this.network = new SimNetwork({ clock: this.clock, random: createSeededRandom(options.seed), link: options.link ?? { delayMs: 1, jitterMs: 2 }, encodedSize: options.encodedSize, wire: options.wire });
  }

  static ipOf(index: number): string {
    return `10.1.${Math.floor(index / 250)}.${(index % 250) + 1}`;
  }

  /** Creates and starts node `index` (reusing its snapshot store on a restart). */
  async add(index: number, tags: Record<string, string> = { role: index === 0 ? "master" : "node" }): Promise<SerfSimNode> {
    const name = `node-${index}`;
    const previous = this.nodes.get(name);
    const incarnation = (previous?.incarnation ?? 0) + 1;
    const address = { ip: SerfSim.ipOf(index), port: 7946 };
    const net = this.network.createNet(address);
    const snapshots = previous?.snapshots ?? new MemorySnapshotStore();
    const base = defaultSerfConfig(lanConfig(name), tags);
    const config = this.options.configure ? this.options.configure(base) : base;
    const serf = createSerf(config, {
      net,
      clock: this.clock,
      random: createSeededRandom(this.options.seed * 7919 + index * 31 + incarnation),
      logger: silentLogger,
      codec: this.options.codec ?? jsonSerfCodec,
      tagCodec: this.options.tagCodec ?? jsonTagCodec,
      snapshots,
    });
    serf.onEvent((event) => {
      if (!this.recordFilter(event)) return;
      this.events.push({ atMs: this.clock.monotonicMs(), observer: name, event });
    });
    const node = { name, address, net, serf, snapshots, incarnation };
    this.nodes.set(name, node);
    void serf.start();
    return node;
  }

  /** Starts n nodes; each joins node-0 (optionally spaced in time). */
  async startCluster(n: number, joinSpacingMs = 0): Promise<void> {
    await this.add(0);
    const seed = this.nodes.get("node-0")!.address;
    for (let i = 1; i < n; i++) {
      const node = await this.add(i);
      void node.serf.join([seed]).catch(() => {});
      if (joinSpacingMs > 0) await this.clock.advance(joinSpacingMs);
    }
  }

  running(): SerfSimNode[] {
    return [...this.nodes.values()].filter((n) => !n.net.isClosed());
  }

  statusOf(observer: string, member: string): SerfMember["status"] | undefined {
    return this.nodes.get(observer)?.serf.members().find((m) => m.name === member)?.status;
  }

  /** Every running node sees each of `expected` with the given status. */
  allSee(expected: Record<string, SerfMember["status"]>): boolean {
    return this.running().every((n) => {
      const view = new Map(n.serf.members().map((m) => [m.name, m.status]));
      return Object.entries(expected).every(([name, status]) => view.get(name) === status);
    });
  }

  /** Every running node sees exactly the running nodes as alive. */
  converged(): boolean {
    const want = this.running().map((n) => n.name).sort().join(",");
    return this.running().every((n) =>
      n.serf
        .members()
        .filter((m) => m.status === "alive")
        .map((m) => m.name)
        .sort()
        .join(",") === want,
    );
  }

  /** Advances until `cond` holds; returns the simulated ms it took, or -1 past `limitMs`. */
  async advanceUntil(cond: () => boolean, limitMs: number, stepMs = 50): Promise<number> {
    const start = this.clock.monotonicMs();
    while (!cond()) {
      if (this.clock.monotonicMs() - start >= limitMs) return -1;
      await this.clock.advance(stepMs);
    }
    return this.clock.monotonicMs() - start;
  }

  /** Advances the clock until `promise` settles (at most `limitMs`) and returns its value. */
  async settle<T>(promise: Promise<T>, limitMs = 60_000): Promise<T> {
    let done = false;
    const tracked = promise.finally(() => void (done = true));
    tracked.catch(() => {});
    if ((await this.advanceUntil(() => done, limitMs, 20)) < 0) throw new Error(`not settled within ${limitMs} simulated ms`);
    return tracked;
  }

  /** Graceful leave then shutdown of `name`, driving the clock. */
  async leaveAndStop(name: string): Promise<void> {
    const node = this.nodes.get(name)!;
    await this.settle(node.serf.leave().then(() => node.serf.shutdown()));
  }

  /** Member events of `type` about `member` (any observer). */
  memberEvents(type: SerfEvent["type"], member?: string): RecordedEvent[] {
    return this.events.filter((e) => e.event.type === type && (member === undefined || (e.event.type !== "user" && e.event.member.name === member)));
  }

  async kill(name: string): Promise<void> {
    await this.nodes.get(name)!.serf.shutdown();
  }
}
