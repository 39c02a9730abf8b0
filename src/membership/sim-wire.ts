import type { GossipMessage } from "./messages.ts";
import { decodePacket, encodePacket, type DecodedPacket } from "./wire/packet.ts";
import { memorySource } from "./wire/stream-buffer.ts";
import { encodeStream, readStreamMessage } from "./wire/stream-codec.ts";

/**
 * Bytes for the simulated network, when a simulation should meet the real codec's limits
 * (a message that does not encode is lost at the sender, one that does not decode is dropped
 * at the receiver, exactly as on UDP/TCP). Unencrypted, compressed like the agent's net.
 */
export interface SimWire {
  /** Throws when a message cannot be encoded. */
  encodePacket(msgs: readonly GossipMessage[]): Uint8Array;
  decodePacket(bytes: Uint8Array): DecodedPacket;
  /** Throws when the message cannot be encoded. */
  encodeStream(msg: GossipMessage): Uint8Array;
  /** Rejects when the bytes are not one valid stream message. */
  decodeStream(bytes: Uint8Array): Promise<GossipMessage>;
}

export const memberlistSimWire: SimWire = {
  encodePacket: (msgs) => encodePacket(msgs, { compression: true, crc: false }),
  decodePacket: (bytes) => decodePacket(bytes, {}),
  encodeStream: (msg) => encodeStream(msg, { compression: true }),
  decodeStream: (bytes) => readStreamMessage(memorySource(bytes), {}),
};
