import { lanConfig } from "../../src/membership/config-presets.ts";
import type { MembershipConfig } from "../../src/membership/config.ts";
import type { EventDelegate, MembershipDelegates } from "../../src/membership/delegates.ts";
import type { NetAddress } from "../../src/membership/gossip-net.ts";
import { createMembership, type Membership } from "../../src/membership/membership.ts";
import type { MemberNode } from "../../src/membership/node.ts";
import type { SimGossipNet } from "../../src/membership/sim-gossip-net.ts";
import { SimNetwork, type SimLinkProfile } from "../../src/membership/sim-net.ts";
import type { SimWire } from "../../src/membership/sim-wire.ts";
import { silentLogger } from "../../src/platform/logger.ts";
import { ManualClock } from "../../src/platform/manual-clock.ts";
import { createSeededRandom } from "../../src/platform/random.ts";

export interface MembershipEvent {
  atMs: number;
  observer: string;
  kind: "join" | "leave" | "update";
  node: string;
  state: MemberNode["state"];
}

export interface SimMember {
  name: string;
  address: NetAddress;
  net: SimGossipNet;
  membership: Membership;
}

/** A cluster of plain membership nodes (no serf) on one ManualClock and a seeded network. */
export class MembershipSim {
  readonly clock = new ManualClock();
  readonly network: SimNetwork;
  readonly nodes = new Map<string, SimMember>();
  readonly events: MembershipEvent[] = [];
  private seed: number;

  /** `wire`: packets and streams travel as bytes through this codec (sim-wire.ts). */
  constructor(options: { seed: number; link?: Partial<SimLinkProfile>; configure?: (c: MembershipConfig) => MembershipConfig; wire?: SimWire } = { seed: 1 }) {
    this.seed = options.seed;
    this.network = new SimNetwork({ clock: this.clock, random: createSeededRandom(options.seed), link: options.link ?? { delayMs: 1, jitterMs: 2 }, wire: options.wire });
    this.configure = options.configure ?? ((c) => c);
  }

  private readonly configure: (c: MembershipConfig) => MembershipConfig;

  static ipOf(index: number): string {
    return `10.0.${Math.floor(index / 250)}.${(index % 250) + 1}`;
  }

  add(index: number, delegates: MembershipDelegates = {}): SimMember {
    const name = `node-${index}`;
    const address = { ip: MembershipSim.ipOf(index), port: 7946 };
    const net = this.network.createNet(address);
    const events: EventDelegate = {
      onJoin: (n) => this.record(name, "join", n),
      onLeave: (n) => this.record(name, "leave", n),
      onUpdate: (n) => this.record(name, "update", n),
    };
    const membership = createMembership(this.configure(lanConfig(name)), { net, clock: this.clock, random: createSeededRandom(this.seed * 1000 + index), logger: silentLogger }, { ...delegates, events });
    const member = { name, address, net, membership };
    this.nodes.set(name, member);
    membership.start();
    return member;
  }

  /** Starts nodes 0..n-1; every node joins node-0. */
  async startCluster(n: number, joinSpacingMs = 0): Promise<void> {
    this.add(0);
    for (let i = 1; i < n; i++) {
      const m = this.add(i);
      void m.membership.join([this.nodes.get("node-0")!.address]).catch(() => {});
      if (joinSpacingMs > 0) await this.clock.advance(joinSpacingMs);
    }
  }

  live(): SimMember[] {
    return [...this.nodes.values()].filter((m) => !m.net.isClosed());
  }

  /** Every live node sees exactly `names` as alive (ignoring suspect as alive). */
  converged(names: string[]): boolean {
    const want = [...names].sort().join(",");
    return this.live().every((m) => viewOf(m.membership).join(",") === want);
  }

  async advanceUntil(cond: () => boolean, limitMs: number, stepMs = 50): Promise<number> {
    const start = this.clock.monotonicMs();
    while (!cond()) {
      if (this.clock.monotonicMs() - start >= limitMs) return -1;
      await this.clock.advance(stepMs);
    }
    return this.clock.monotonicMs() - start;
  }

  private record(observer: string, kind: MembershipEvent["kind"], node: MemberNode): void {
    this.events.push({ atMs: this.clock.monotonicMs(), observer, kind, node: node.name, state: node.state });
  }
}

export function viewOf(m: Membership): string[] {
  return m
    .members()
    .filter((n) => n.state === "alive" || n.state === "suspect")
    .map((n) => n.name)
    .sort();
}
