import type { PeerLink } from "../events/health-state.ts";

/**
 * What gossip traffic tells us about each peer, with no extra packets: round-trip times and
 * lost direct probes (from our SWIM probes) and the peer's clock offset (from the wall clock
 * it appends to its acks). Bounded: a fixed window per peer, peers forgotten on removal.
 */
export interface PeerSnapshot extends PeerLink {
  /** Our monotonic ms at the last measurement. */
  lastSeenMs: number;
}

export interface PeerMeasurementsOptions {
  /** RTT samples kept per peer. */
  rttWindow: number;
  /** Direct probes per peer over which loss is computed. */
  lossWindow: number;
}

interface PeerRecord {
  rtts: number[];
  outcomes: boolean[];
  clockOffsetMs?: number;
  lastSeenMs: number;
}

export class PeerMeasurements {
  private readonly peers = new Map<string, PeerRecord>();

  constructor(private readonly options: PeerMeasurementsOptions = { rttWindow: 20, lossWindow: 20 }) {}

  recordAck(name: string, rttMs: number, atMs: number, clockOffsetMs?: number): void {
    const peer = this.peer(name, atMs);
    push(peer.rtts, rttMs, this.options.rttWindow);
    push(peer.outcomes, true, this.options.lossWindow);
    if (clockOffsetMs !== undefined) peer.clockOffsetMs = clockOffsetMs;
  }

  recordMiss(name: string, atMs: number): void {
    push(this.peer(name, atMs).outcomes, false, this.options.lossWindow);
  }

  forget(name: string): void {
    this.peers.delete(name);
  }

  snapshot(): PeerSnapshot[] {
    return [...this.peers].map(([name, p]) => ({
      name,
      rttSamples: p.rtts.length,
      p50RttMs: p.rtts.length > 0 ? percentile(p.rtts, 50) : undefined,
      p95RttMs: p.rtts.length > 0 ? percentile(p.rtts, 95) : undefined,
      lossPercent: p.outcomes.length >= this.options.lossWindow ? (100 * p.outcomes.filter((ok) => !ok).length) / p.outcomes.length : undefined,
      probesInWindow: p.outcomes.length,
      clockOffsetMs: p.clockOffsetMs,
      lastSeenMs: p.lastSeenMs,
    }));
  }

  private peer(name: string, atMs: number): PeerRecord {
    let peer = this.peers.get(name);
    if (!peer) {
      peer = { rtts: [], outcomes: [], lastSeenMs: atMs };
      this.peers.set(name, peer);
    }
    peer.lastSeenMs = atMs;
    return peer;
  }
}

function push<T>(window: T[], value: T, max: number): void {
  window.push(value);
  if (window.length > max) window.shift();
}

/** Nearest-rank percentile. */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
}
