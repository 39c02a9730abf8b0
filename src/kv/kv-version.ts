/**
 * Versions of the replicated store and its conflict rule: last writer wins, by (hybrid logical
 * clock ms, counter, node name) compared in that order (docs/kv.md, "Conflict rule"). Equal
 * versions mean the same write. Written as `<ms>.<counter>.<node>`.
 */
export interface KvVersion {
  /** The writer's hybrid clock: its wall clock, or more when it had seen a later version. */
  ms: number;
  /** Tells apart writes within one ms of one writer's clock. */
  counter: number;
  /** The writer: the last tie-breaker, so two nodes never create equal versions. */
  node: string;
}

/** Bounds a version from the network must meet (the counter is a u32 on the wire). */
export const KV_VERSION_LIMITS = {
  counterMax: 0xffff_ffff,
  nodeBytesMax: 512,
} as const;

/** Negative when `a` lost to `b`, positive when `a` wins, 0 for the same write. */
export function compareVersions(a: KvVersion, b: KvVersion): number {
  if (a.ms !== b.ms) return a.ms < b.ms ? -1 : 1;
  if (a.counter !== b.counter) return a.counter < b.counter ? -1 : 1;
  if (a.node === b.node) return 0;
  return a.node < b.node ? -1 : 1;
}

export function formatVersion(version: KvVersion): string {
  return `${version.ms}.${version.counter}.${version.node}`;
}

/** The inverse of formatVersion; undefined for text that is not a version. */
export function parseVersion(text: string): KvVersion | undefined {
  const match = /^(\d{1,16})\.(\d{1,10})\.(.+)$/s.exec(text);
  if (!match) return undefined;
  const ms = Number(match[1]);
  const counter = Number(match[2]);
  const node = match[3] as string;
  if (!Number.isSafeInteger(ms) || counter > KV_VERSION_LIMITS.counterMax) return undefined;
  return { ms, counter, node };
}

/**
 * A hybrid logical clock: versions this node creates are later than every version it created
 * or observed before, and follow the wall clock when it is ahead. `maxAheadMs` bounds how far a
 * version observed from another node may pull this clock past its own wall clock, so one node
 * with a wrong clock (or a forged message) cannot move every later version into the far future.
 */
export class HybridClock {
  private lastMs = 0;
  private lastCounter = 0;

  constructor(
    private readonly node: string,
    private readonly wallMs: () => number,
    private readonly maxAheadMs = 60_000,
  ) {}

  /** A new version for a write made here. */
  next(): KvVersion {
    const wall = Math.floor(this.wallMs());
    if (wall > this.lastMs) {
      this.lastMs = wall;
      this.lastCounter = 0;
    } else if (this.lastCounter < KV_VERSION_LIMITS.counterMax) {
      this.lastCounter += 1;
    } else {
      this.lastMs += 1;
      this.lastCounter = 0;
    }
    return { ms: this.lastMs, counter: this.lastCounter, node: this.node };
  }

  /** Takes in a version seen from another node; ignored when it is further ahead than allowed. */
  observe(version: KvVersion): void {
    if (version.ms > Math.floor(this.wallMs()) + this.maxAheadMs) return;
    if (version.ms > this.lastMs || (version.ms === this.lastMs && version.counter > this.lastCounter)) {
      this.lastMs = version.ms;
      this.lastCounter = version.counter;
    }
  }
}
