import type { MemberNode } from "./node.ts";

/**
 * Membership changes. Called synchronously from the state machine: must not block and must
 * not call back into the membership synchronously in a way that expects the change undone.
 */
export interface EventDelegate {
  /** A node became alive (new, or back from dead/left). */
  onJoin(node: MemberNode): void;
  /** A node was declared dead (`state: "dead"`) or left gracefully (`state: "left"`). */
  onLeave(node: MemberNode): void;
  /** An alive node changed its meta or address. */
  onUpdate(node: MemberNode): void;
}

/** The layer above (serf): node meta, user messages, piggybacked broadcasts, push/pull state. */
export interface Delegate {
  /** Our node's meta, at most `limitBytes` (longer is refused with an error). */
  nodeMeta(limitBytes: number): Uint8Array;
  /** A user message (`UserMessage.payload`) from a packet or a stream. Must not block. */
  notifyMsg(payload: Uint8Array): void;
  /**
   * Payloads to piggyback, each costing `sizeOf(payload)` bytes, together at most
   * `limitBytes`. Each is sent as one user message. The gossip loop sleeps while nothing is
   * queued: a delegate that queues a payload must call `Membership.notifyQueued()`.
   */
  getBroadcasts(limitBytes: number, sizeOf: (payload: Uint8Array) => number): Uint8Array[];
  /** Opaque state sent in push/pull; `join` is true for the exchange of a join. */
  localState(join: boolean): Uint8Array;
  /** The remote side's opaque state from a push/pull. */
  mergeRemoteState(state: Uint8Array, join: boolean): void;
  /**
   * Checks another node's meta before the node enters the member table (memberlist's merge
   * and alive delegates refuse nodes the same way): a message saying what is wrong, or
   * undefined when the meta is usable. Must be quick; called for every alive and push/pull entry.
   */
  validateMeta?(meta: Uint8Array): string | undefined;
}

/** Round-trip measurement of probes (latency, loss and clock-drift checks build on it). */
export interface PingDelegate {
  /** Payload put into every ack we send (serf: a Vivaldi coordinate); empty is fine. */
  ackPayload(): Uint8Array;
  /** Every ack of a direct probe: the peer, the RTT in ms and the peer's ack payload. */
  notifyPingComplete(node: MemberNode, rttMs: number, payload: Uint8Array): void;
  /** A direct probe got no UDP ack within the probe timeout (packet loss toward `node`). */
  notifyPingMissed?(node: MemberNode): void;
}

export interface MembershipDelegates {
  events?: EventDelegate;
  delegate?: Delegate;
  ping?: PingDelegate;
}
