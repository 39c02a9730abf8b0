import type { MemberInfo } from "../../src/cluster/cluster-view.ts";
import { digestOf, encodeDigestTags } from "../../src/cluster/health-digest.ts";
import type { MemberState } from "../../src/cluster/status-json.ts";
import type { Clock } from "../../src/platform/clock.ts";
import { createMemoryLogger } from "../../src/platform/logger.ts";
import { createSeededRandom } from "../../src/platform/random.ts";
import { createMemoryReplicaStore } from "../../src/kv/memory-replica-store.ts";
import { createReplicatedKv, DEFAULT_REPLICATED_KV_OPTIONS, type ReplicatedKv, type ReplicatedKvOptions } from "../../src/kv/replicated-kv.ts";
import type { KvReplicaStore } from "../../src/kv/replica-store.ts";

/** Tags that say "runs Satellite" (a health digest), as a real member's would. */
export const SATELLITE_TAGS: Readonly<Record<string, string>> = Object.freeze({ role: "node", ...encodeDigestTags(digestOf("running", []), 512) });

/**
 * Replicated stores wired to each other in one process without gossip: a request is a direct
 * call of the other node's onRequest (through the real codec). A node can be marked down
 * (members see it failed, requests to it reject) or cut off (requests fail, members still see
 * it alive: a partition the membership has not noticed yet).
 */
export class KvTestCluster {
  readonly nodes = new Map<string, { kv: ReplicatedKv; store: KvReplicaStore; state: MemberState; cut: boolean }>();
  requests = 0;

  constructor(
    private readonly clock: Clock,
    private readonly options: Partial<ReplicatedKvOptions> = {},
  ) {}

  static ip(name: string): string {
    return `10.9.0.${Number(name.replace(/\D/g, "")) + 1}`;
  }

  add(name: string, store: KvReplicaStore = createMemoryReplicaStore(), tags: Readonly<Record<string, string>> = SATELLITE_TAGS): ReplicatedKv {
    const kv = createReplicatedKv(
      {
        name,
        clock: this.clock,
        random: createSeededRandom(this.nodes.size + 1),
        logger: createMemoryLogger(),
        store,
        members: () => this.members(tags),
        request: async (to, payload) => {
          this.requests++;
          const target = [...this.nodes.entries()].find(([n]) => KvTestCluster.ip(n) === to.ip);
          const self = this.nodes.get(name);
          if (!target || target[1].state !== "alive" || target[1].cut || self?.cut) throw new Error(`stream to ${to.ip} refused`);
          return target[1].kv.onRequest(payload, { ip: KvTestCluster.ip(name), port: 7946 });
        },
        notify: (to, payload) => {
          const target = [...this.nodes.entries()].find(([n]) => KvTestCluster.ip(n) === to.ip);
          if (target && target[1].state === "alive" && !target[1].cut && !this.nodes.get(name)?.cut) target[1].kv.onPacket(payload, { ip: KvTestCluster.ip(name), port: 7946 });
        },
      },
      { ...DEFAULT_REPLICATED_KV_OPTIONS, ...this.options },
    );
    this.nodes.set(name, { kv, store, state: "alive", cut: false });
    return kv;
  }

  members(tags: Readonly<Record<string, string>> = SATELLITE_TAGS): MemberInfo[] {
    return [...this.nodes.entries()].map(([name, n]) => ({ name, addr: KvTestCluster.ip(name), port: 7946, tags, status: n.state }));
  }

  kv(name: string): ReplicatedKv {
    const node = this.nodes.get(name);
    if (!node) throw new Error(`no node ${name}`);
    return node.kv;
  }

  store(name: string): KvReplicaStore {
    return (this.nodes.get(name) as { store: KvReplicaStore }).store;
  }

  setState(name: string, state: MemberState): void {
    (this.nodes.get(name) as { state: MemberState }).state = state;
  }

  cut(name: string, cut: boolean): void {
    (this.nodes.get(name) as { cut: boolean }).cut = cut;
  }

  async close(): Promise<void> {
    for (const { kv } of this.nodes.values()) await kv.close();
  }
}
