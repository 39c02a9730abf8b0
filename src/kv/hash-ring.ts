import { fnv1a32 } from "./kv-hash.ts";

/** Points each node gets on the ring: enough for an even spread over a handful to hundreds of nodes. */
export const RING_POINTS_PER_NODE = 64;
/** Replicas of each key (fewer when fewer nodes keep replicas). */
export const REPLICAS_PER_KEY = 3;

/**
 * Consistent hashing over node names: each node sits at RING_POINTS_PER_NODE points, a key at
 * one; its replicas are the first `count` distinct nodes clockwise from the key. Adding or
 * removing one node moves only the keys next to its points. Pure: the same names give the same
 * placement on every node.
 */
export class HashRing {
  private readonly points: { at: number; node: string }[] = [];
  readonly nodes: readonly string[];

  constructor(nodes: readonly string[]) {
    this.nodes = [...new Set(nodes)].sort();
    for (const node of this.nodes) {
      for (let i = 0; i < RING_POINTS_PER_NODE; i++) this.points.push({ at: fnv1a32(`${node}#${i}`), node });
    }
    // Ties (two points at one hash) are broken by name, so every node orders them the same.
    this.points.sort((a, b) => a.at - b.at || (a.node < b.node ? -1 : a.node > b.node ? 1 : 0));
  }

  /** The nodes that hold `key`, first the one the key hashes next to; all nodes when there are `count` or fewer. */
  replicasFor(key: string, count = REPLICAS_PER_KEY): string[] {
    if (this.nodes.length <= count) return [...this.nodes];
    const at = fnv1a32(key);
    const out: string[] = [];
    let index = this.firstPointAtOrAfter(at);
    while (out.length < count) {
      const point = this.points[index % this.points.length] as { node: string };
      if (!out.includes(point.node)) out.push(point.node);
      index++;
    }
    return out;
  }

  private firstPointAtOrAfter(at: number): number {
    let low = 0;
    let high = this.points.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if ((this.points[mid] as { at: number }).at < at) low = mid + 1;
      else high = mid;
    }
    return low;
  }
}

/** Writes acknowledged by this many replicas succeed: a majority (2 of 3, 1 of 1, 2 of 2). */
export function writeQuorum(replicas: number): number {
  return Math.floor(replicas / 2) + 1;
}
