import { memberDigest, type MemberInfo } from "../cluster/cluster-view.ts";
import type { NetAddress } from "../membership/gossip-net.ts";
import { HashRing } from "./hash-ring.ts";

/** A node that keeps replicas, as the coordinator needs it. */
export interface KvNode {
  name: string;
  addr: NetAddress;
  /** Alive in the membership: requests go to it; otherwise its writes become hints. */
  alive: boolean;
}

/** The tag that picks the nodes keeping replicas: when any Satellite member has `kv=yes`, only those do. */
export const KV_NODE_TAG = { key: "kv", value: "yes" } as const;

/**
 * What this node gossips about its replicas: `kv=no` when it keeps none (the store is off, or on
 * etcd), so no coordinator sends it replica requests; nothing otherwise (the operator's `kv` tag stays).
 */
export function kvNodeTags(kv: { enabled: boolean; backend: string }): Record<string, string> {
  return kv.enabled && kv.backend === "replicated" ? {} : { [KV_NODE_TAG.key]: "no" };
}

/**
 * The nodes keeping replicas, from the membership: Satellite members (their tags carry a health
 * digest; a plain serf agent would not understand our messages) that did not leave and do not say
 * `kv=no` (their store is off), narrowed to
 * those tagged kv=yes when any is. Failed members stay on the ring until they are reaped or
 * forced out, so a short failure does not move keys: their writes wait as hints instead.
 */
export function kvNodes(members: readonly MemberInfo[], self: string): KvNode[] {
  // This node holds replicas also before the membership lists it (at start, or in a test without one).
  const withSelf = members.some((m) => m.name === self) ? members : [...members, { name: self, addr: "0.0.0.0", port: 0, tags: {}, status: "alive" as const }];
  const eligible = withSelf.filter((m) => (m.name === self || memberDigest(m.tags) !== undefined) && m.status !== "left" && m.status !== "leaving" && m.tags[KV_NODE_TAG.key] !== "no");
  const tagged = eligible.filter((m) => m.tags[KV_NODE_TAG.key] === KV_NODE_TAG.value);
  const chosen = tagged.length > 0 ? tagged : eligible;
  return chosen.map((m) => ({ name: m.name, addr: { ip: m.addr, port: m.port }, alive: m.status === "alive" || m.name === self }));
}

/** The ring over these nodes, rebuilt only when the set of names changes. */
export class RingCache {
  private signature = "";
  private ring = new HashRing([]);

  ringFor(nodes: readonly KvNode[]): HashRing {
    const names = nodes.map((n) => n.name).sort();
    const signature = names.join("\u0000");
    if (signature !== this.signature) {
      this.signature = signature;
      this.ring = new HashRing(names);
    }
    return this.ring;
  }
}
