import { SatelliteError } from "../platform/errors.ts";

export interface PeerCallLimits {
  /**
   * Calls to one peer in flight at once. Each is one gossip stream the peer serves; a peer
   * admits a bounded number per member IP (membership/stream-admission.ts), shared by every
   * node on that IP, so a coordinator keeps well under it and queues the rest.
   */
  inFlightPerPeerMax: number;
  /** Calls to one peer waiting for a slot; one more is refused at once (backpressure to the client). */
  queuedPerPeerMax: number;
}

export const DEFAULT_PEER_CALL_LIMITS: PeerCallLimits = { inFlightPerPeerMax: 8, queuedPerPeerMax: 512 };

interface PeerSlots {
  inFlight: number;
  waiting: (() => void)[];
}

/**
 * Bounds a coordinator's own concurrent calls per peer: past `inFlightPerPeerMax` a call waits
 * in a bounded FIFO queue until one finishes (whether it succeeded or failed), so a burst of
 * client requests becomes a queue here instead of streams the peer refuses.
 */
export class PeerCallLimiter {
  private readonly peers = new Map<string, PeerSlots>();

  constructor(private readonly limits: PeerCallLimits = DEFAULT_PEER_CALL_LIMITS) {}

  /** Runs `call` when `peer` has a free slot; rejects at once when its queue is full. */
  async run<T>(peer: string, call: () => Promise<T>): Promise<T> {
    const slots = this.peers.get(peer) ?? { inFlight: 0, waiting: [] };
    this.peers.set(peer, slots);
    if (slots.inFlight >= this.limits.inFlightPerPeerMax) {
      if (slots.waiting.length >= this.limits.queuedPerPeerMax) {
        throw new SatelliteError("kv_peer_queue_full", `${peer}: ${slots.waiting.length} replica calls wait already behind ${slots.inFlight} in flight`, {
          hint: "the cluster is over its key-value capacity; retry later or spread clients over more nodes",
        });
      }
      await new Promise<void>((resolve) => slots.waiting.push(resolve));
    } else slots.inFlight++;
    try {
      return await call();
    } finally {
      this.release(peer, slots);
    }
  }

  /** Calls in flight and waiting for `peer` (for tests and stats). */
  load(peer: string): { inFlight: number; waiting: number } {
    const slots = this.peers.get(peer);
    return { inFlight: slots?.inFlight ?? 0, waiting: slots?.waiting.length ?? 0 };
  }

  /** Hands the slot to the next waiting call, or frees it. */
  private release(peer: string, slots: PeerSlots): void {
    const next = slots.waiting.shift();
    if (next) next();
    else if (--slots.inFlight === 0) this.peers.delete(peer);
  }
}
