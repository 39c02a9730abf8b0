import type { GossipMessage } from "./messages.ts";

export interface NetAddress {
  /** IP literal. */
  ip: string;
  port: number;
}

export function formatAddress(addr: NetAddress): string {
  return addr.ip.includes(":") ? `[${addr.ip}]:${addr.port}` : `${addr.ip}:${addr.port}`;
}

/** Callbacks from a GossipNet into the membership layer. Called from the receive path: must not block. */
export interface GossipNetHandlers {
  /** Each message of a received packet (compound packets are already split). */
  onPacketMessage(msg: GossipMessage, from: NetAddress, receivedAtMs: number): void;
  /**
   * A message that arrived over a stream (TCP). Return the reply to write back on the same
   * stream (pushPull -> pushPull, ping -> ack), or undefined for one-way messages.
   */
  onStreamMessage(msg: GossipMessage, from: NetAddress): Promise<GossipMessage | undefined>;
}

/** Counters every implementation keeps; exposed through /metrics and /readyz. */
export interface GossipNetStats {
  packetsSent: number;
  packetsReceived: number;
  bytesSent: number;
  bytesReceived: number;
  /** Packets dropped on receive: malformed, too big, unencrypted or wrong key. */
  packetsDropped: number;
  streamsOpened: number;
  streamsAccepted: number;
}

/**
 * The membership layer's view of the network: typed messages in, typed messages out.
 * Implemented over real UDP/TCP with the memberlist wire codec (src/membership/wire/) and,
 * for deterministic tests, over a simulated network. Sending never throws: a packet that
 * cannot be sent is dropped and counted. A message handed to `encodedSize` or a send is
 * immutable from then on (a net may cache its encoding or hand the object over as is).
 * A user message's size is its size with an empty payload plus the payload's length.
 */
export interface GossipNet {
  readonly localAddress: NetAddress;
  /**
   * Bytes available for messages in one packet after the net's own overhead (compound header,
   * compression, CRC, encryption); the sender fills packets up to this using `encodedSize`.
   */
  readonly packetBudgetBytes: number;
  setHandlers(handlers: GossipNetHandlers): void;
  /** Encoded size of one message on the wire, without packet overhead. */
  encodedSize(msg: GossipMessage): number;
  /** One packet (UDP); several messages go out as one compound packet. Best effort. */
  sendPacket(to: NetAddress, msgs: readonly GossipMessage[]): void;
  /**
   * Opens a stream (TCP), writes `msg`, and if `expectReply` reads one reply.
   * Rejects on refusal, timeout or a malformed reply.
   */
  sendStream(to: NetAddress, msg: GossipMessage, options: { timeoutMs: number; expectReply: boolean }): Promise<GossipMessage | undefined>;
  stats(): GossipNetStats;
  close(): Promise<void>;
}
