import type { Logger } from "../platform/logger.ts";
import { SatelliteError } from "../platform/errors.ts";
import { createRateLimitedLog, type RateLimitedLog } from "../platform/rate-limited-log.ts";
import { PUSH_PULL_NODES_MAX } from "./wire/stream-codec.ts";
import { StreamMemoryPool } from "./wire/stream-memory.ts";
import { DROP_REASONS, WireError } from "./wire/wire-error.ts";

/**
 * Bounds of incoming gossip streams (TCP). The framing stays serf's, so an encrypted frame
 * can only be authenticated once it is read whole: what bounds the memory an unauthenticated
 * peer can hold is the declared-length check, the per-stream ceiling and the shared pool.
 */
export interface StreamLimits {
  /**
   * Largest message, at every stage (frame, plaintext, decompressed). The default, 8 MiB,
   * holds a push/pull of 5,000 members with 255-byte names and full 512-byte metas (5.4 MB)
   * plus serf's state; a typical 5,000-member push/pull is 0.9 MB (140 KB compressed).
   */
  messageBytesMax: number;
  /** Memory one incoming stream may hold over all its stages: 2 x messageBytesMax. */
  streamMemoryMax: number;
  /** Memory all incoming streams together may hold: 4 x messageBytesMax. */
  totalMemoryMax: number;
  /** Incoming streams served at once; more are closed at once. */
  incomingMax: number;
  /** Incoming streams served at once from one IP (an honest peer opens one or two). */
  incomingPerPeerMax: number;
  /**
   * Incoming streams served at once from one IP that sent a valid gossip packet (decrypted
   * under the keyring when one is set) within `memberWindowMs`: a member's key-value replica
   * calls come several at once, and on one host (or behind one address) all members share it.
   * The total bound and the memory pool still hold.
   */
  incomingPerMemberMax: number;
  /** How long a valid gossip packet from an IP vouches for its streams. */
  memberWindowMs: number;
  /** Node states a push/pull may declare. */
  pushPullNodesMax: number;
  /** Repeated warnings about refused or failed streams: one line per reason per interval. */
  warnIntervalMs: number;
}

const MIB = 1024 * 1024;

export const DEFAULT_STREAM_LIMITS: StreamLimits = {
  messageBytesMax: 8 * MIB,
  streamMemoryMax: 16 * MIB,
  totalMemoryMax: 32 * MIB,
  incomingMax: 64,
  incomingPerPeerMax: 8,
  incomingPerMemberMax: 48,
  memberWindowMs: 30_000,
  pushPullNodesMax: PUSH_PULL_NODES_MAX,
  warnIntervalMs: 10_000,
};

export const STREAM_FAILURE_REASONS = [...DROP_REASONS, "too_many_streams", "too_many_from_peer", "timeout", "handler_failed"] as const;
/** Why an incoming stream was refused or closed: the wire's drop reasons plus the stream's own. */
export type StreamFailureReason = (typeof STREAM_FAILURE_REASONS)[number];

/** IPs remembered as members at most; the oldest is forgotten first. */
export const MEMBER_IPS_MAX = 4096;

/** Admission and failure accounting of one net's incoming streams. */
export class IncomingStreams {
  readonly memory: StreamMemoryPool;
  readonly failures = Object.fromEntries(STREAM_FAILURE_REASONS.map((r) => [r, 0])) as Record<StreamFailureReason, number>;
  private readonly byPeer = new Map<string, number>();
  /** IP -> monotonic ms of its last valid gossip packet, oldest first. */
  private readonly memberSeenMs = new Map<string, number>();
  private activeCount = 0;
  private readonly warnings: RateLimitedLog;

  constructor(
    readonly limits: StreamLimits,
    logger: Logger,
    private readonly monotonicMs: () => number,
  ) {
    this.memory = new StreamMemoryPool(limits.totalMemoryMax);
    this.warnings = createRateLimitedLog(logger, monotonicMs, limits.warnIntervalMs);
  }

  get active(): number {
    return this.activeCount;
  }

  /** A valid gossip packet came from `peerIp`: its streams get the member bound for a while. Called from the receive path. */
  gossipedFrom(peerIp: string): void {
    this.memberSeenMs.delete(peerIp);
    this.memberSeenMs.set(peerIp, this.monotonicMs());
    if (this.memberSeenMs.size > MEMBER_IPS_MAX) {
      const oldest = this.memberSeenMs.keys().next().value;
      if (oldest !== undefined) this.memberSeenMs.delete(oldest);
    }
  }

  /** Streams `peerIp` may have open at once now. */
  perPeerMaxFor(peerIp: string): number {
    const seen = this.memberSeenMs.get(peerIp);
    const member = seen !== undefined && this.monotonicMs() - seen <= this.limits.memberWindowMs;
    return member ? Math.max(this.limits.incomingPerPeerMax, this.limits.incomingPerMemberMax) : this.limits.incomingPerPeerMax;
  }

  /** Takes a slot for a stream from `peerIp`, or says why not (the caller closes it and calls failed()). */
  admit(peerIp: string): StreamFailureReason | undefined {
    if (this.activeCount >= this.limits.incomingMax) return "too_many_streams";
    const fromPeer = this.byPeer.get(peerIp) ?? 0;
    if (fromPeer >= this.perPeerMaxFor(peerIp)) return "too_many_from_peer";
    this.activeCount++;
    this.byPeer.set(peerIp, fromPeer + 1);
    return undefined;
  }

  /** Gives back the slot of an admitted stream. */
  finished(peerIp: string): void {
    this.activeCount = Math.max(0, this.activeCount - 1);
    const left = (this.byPeer.get(peerIp) ?? 1) - 1;
    if (left > 0) this.byPeer.set(peerIp, left);
    else this.byPeer.delete(peerIp);
  }

  /** Counts a refused or failed stream and logs it, one line per reason per interval. */
  failed(reason: StreamFailureReason, from: string, detail: string): void {
    this.failures[reason]++;
    this.warnings.log("warn", reason, "incoming gossip stream closed", { reason, from, detail, active: this.activeCount, memoryBytes: this.memory.usedBytes });
  }
}

/** The failure reason of an error from reading or answering a stream. */
export function streamFailureReason(error: unknown): StreamFailureReason {
  if (error instanceof WireError) return error.reason;
  if (error instanceof SatelliteError && error.code === "GOSSIP_STREAM_TIMEOUT") return "timeout";
  return "handler_failed";
}
