/**
 * The echo datagram nethealth instances exchange: 4 bytes of magic ("SNH1"), 1 byte of type
 * (1 = request, 2 = reply), 4 bytes of sequence number (big-endian). A reply is the request
 * with its type changed, so a reflected packet is never larger than what provoked it. Anything
 * else (another length, magic or type) is not ours and is dropped unread.
 */
export type EchoType = "request" | "reply";

export interface EchoPacket {
  type: EchoType;
  /** 0..2^32-1, wraps. */
  seq: number;
}

export const ECHO_PACKET_BYTES = 9;
const MAGIC = [0x53, 0x4e, 0x48, 0x31] as const;
const TYPE_BYTE: Readonly<Record<EchoType, number>> = { request: 1, reply: 2 };

export function encodeEcho(packet: EchoPacket): Uint8Array {
  if (!Number.isInteger(packet.seq) || packet.seq < 0 || packet.seq > 0xffff_ffff) throw new RangeError(`echo seq ${packet.seq} is not a 32-bit unsigned integer`);
  const bytes = new Uint8Array(ECHO_PACKET_BYTES);
  bytes.set(MAGIC, 0);
  bytes[4] = TYPE_BYTE[packet.type];
  new DataView(bytes.buffer).setUint32(5, packet.seq);
  return bytes;
}

/** The packet, or why it is not one (a fixed reason word, usable as a metric label). */
export function decodeEcho(bytes: Uint8Array): EchoPacket | "length" | "magic" | "type" {
  if (bytes.length !== ECHO_PACKET_BYTES) return "length";
  for (let i = 0; i < MAGIC.length; i++) if (bytes[i] !== MAGIC[i]) return "magic";
  const type = bytes[4] === TYPE_BYTE.request ? "request" : bytes[4] === TYPE_BYTE.reply ? "reply" : undefined;
  if (type === undefined) return "type";
  return { type, seq: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(5) };
}
