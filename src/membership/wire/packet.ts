import type { GossipMessage } from "../messages.ts";
import type { SecureRandomBytes } from "../../platform/secure-random.ts";
import { decryptPayload, encryptPayload } from "./aes-gcm.ts";
import { makeCompound, splitCompound } from "./compound.ts";
import { compressMessage, decompressValue } from "./compress.ts";
import { crc32 } from "./crc32.ts";
import type { Keyring } from "./keyring.ts";
import { decodeMessage, encodeMessage } from "./message-codec.ts";
import { MessageType } from "./message-type.ts";
import { MsgpackReader } from "./msgpack-reader.ts";
import { type DropReason, WireError } from "./wire-error.ts";

/**
 * The UDP packet pipeline. Sending: messages -> compound (when more than one) -> LZW (only
 * if smaller) -> hasCrc (only when the peer understands protocol 5) -> encrypt. Receiving
 * undoes it in reverse; nothing in here throws for bad input: every problem is a drop with
 * a reason.
 */
export interface PacketEncodeOptions {
  compression: boolean;
  /** Prefix `[12][crc32]`; memberlist does this only toward peers with pmax >= 5. */
  crc: boolean;
  keyring?: Keyring;
  /** Nonce source; required with a keyring. */
  random?: SecureRandomBytes;
}

export interface PacketDrop {
  reason: DropReason;
  detail: string;
}

export interface DecodedPacket {
  messages: GossipMessage[];
  drops: PacketDrop[];
}

/**
 * Requests (ping, indirect ping) answered per packet: each costs a reply packet to an address
 * the packet names, so a compound of 255 pings to a spoofed source would make us a 255-fold
 * amplifier. memberlist puts one request in a packet (a probe: ping + suspect + piggyback);
 * the rest are dropped as `too_many_requests`.
 */
export const PACKET_REQUESTS_MAX = 2;

export interface PacketDecodeOptions {
  keyring?: Keyring;
  /** Requests delivered per packet (default PACKET_REQUESTS_MAX). */
  requestsMax?: number;
}

/** Compound/compress nesting accepted on receive (serf itself nests at most compress > compound). */
const MAX_NESTING = 4;
/** Total bytes decompression may produce for one packet. */
const MAX_PACKET_EXPANSION = 256 * 1024;

/**
 * Below this, LZW's 9-bit codes plus the compress wrapper's ~16 bytes practically never come
 * out smaller (memberlist would try and send the plain bytes): a bare ping or ack skips it.
 */
const MIN_COMPRESSIBLE_BYTES = 128;

export function encodePacket(msgs: readonly GossipMessage[], opts: PacketEncodeOptions): Uint8Array {
  return encodePacketParts(msgs.map(encodeMessage), opts);
}

/** Same as encodePacket for messages already encoded with encodeMessage. */
export function encodePacketParts(parts: readonly Uint8Array[], opts: PacketEncodeOptions): Uint8Array {
  if (parts.length === 0) throw new RangeError("a packet needs at least one message");
  let buf = parts.length === 1 ? (parts[0] as Uint8Array) : makeCompound(parts);
  if (opts.compression && buf.length >= MIN_COMPRESSIBLE_BYTES) {
    const packed = compressMessage(buf);
    if (packed.length < buf.length) buf = packed;
  }
  if (opts.crc) {
    const out = new Uint8Array(5 + buf.length);
    out[0] = MessageType.hasCrc;
    new DataView(out.buffer).setUint32(1, crc32(buf));
    out.set(buf, 5);
    buf = out;
  }
  if (opts.keyring) {
    if (!opts.random) throw new RangeError("encodePacket: a keyring needs a nonce source (random)");
    buf = encryptPayload(opts.keyring, buf, new Uint8Array(0), opts.random);
  }
  return buf;
}

export function decodePacket(bytes: Uint8Array, opts: PacketDecodeOptions): DecodedPacket {
  const result: DecodedPacket = { messages: [], drops: [] };
  try {
    let buf = bytes;
    if (buf.length === 0) throw new WireError("empty packet");
    if (opts.keyring) {
      // Encrypted packets start with the encryption version (0 or 1); anything else is plaintext.
      if ((buf[0] as number) > 1) throw new WireError("plaintext packet while encryption is on", "not_encrypted");
      buf = decryptPayload(opts.keyring, buf);
    }
    if (buf.length >= 5 && buf[0] === MessageType.hasCrc) {
      const expected = new DataView(buf.buffer, buf.byteOffset + 1, 4).getUint32(0);
      const rest = buf.subarray(5);
      const actual = crc32(rest);
      if (actual !== expected) {
        throw new WireError(`checksum mismatch: got ${actual.toString(16)}, packet says ${expected.toString(16)}`, "bad_crc");
      }
      buf = rest;
    }
    const requestsMax = opts.requestsMax ?? PACKET_REQUESTS_MAX;
    handleCommand(buf, 0, result, { left: MAX_PACKET_EXPANSION, requestsMax, requestsLeft: requestsMax });
  } catch (error) {
    result.drops.push(toDrop(error));
  }
  return result;
}

interface DecodeBudget {
  /** Bytes decompression may still produce. */
  left: number;
  requestsMax: number;
  requestsLeft: number;
}

function handleCommand(buf: Uint8Array, depth: number, result: DecodedPacket, budget: DecodeBudget): void {
  if (depth > MAX_NESTING) throw new WireError(`compound/compress nested deeper than ${MAX_NESTING}`, "too_deep");
  if (buf.length === 0) throw new WireError("message without a type byte");
  const t = buf[0] as number;
  if (t === MessageType.compound) {
    const { parts, truncated } = splitCompound(buf.subarray(1));
    for (const part of parts) {
      try {
        handleCommand(part, depth + 1, result, budget);
      } catch (error) {
        result.drops.push(toDrop(error));
      }
    }
    if (truncated > 0) result.drops.push({ reason: "malformed", detail: `compound message had ${truncated} truncated parts` });
    return;
  }
  if (t === MessageType.compress) {
    const inner = decompressValue(new MsgpackReader(buf, 1).read(), budget.left);
    budget.left -= inner.length;
    handleCommand(inner, depth + 1, result, budget);
    return;
  }
  if (t === MessageType.pushPull) throw new WireError("pushPull arrived in a packet; it only travels over streams", "unknown_type");
  if (t === MessageType.ping || t === MessageType.indirectPing) {
    // A drop without an exception: a compound of 255 pings brings 253 of them.
    if (budget.requestsLeft <= 0) return void result.drops.push({ reason: "too_many_requests", detail: `a ping or indirect ping beyond the ${budget.requestsMax} answered per packet` });
    budget.requestsLeft--;
  }
  result.messages.push(decodeMessage(buf));
}

function toDrop(error: unknown): PacketDrop {
  if (error instanceof WireError) return { reason: error.reason, detail: error.message };
  // Anything else is a bug in a decoder; still a drop, never an escape.
  return { reason: "malformed", detail: error instanceof Error ? error.message : String(error) };
}
