import type { GossipMessage, PushNodeState, PushPullMessage } from "../messages.ts";
import type { SecureRandomBytes } from "../../platform/secure-random.ts";
import { decryptPayload, encryptPayload } from "./aes-gcm.ts";
import { compressMessage, decompressValue } from "./compress.ts";
import { asStruct, fieldBool, fieldInt } from "./go-fields.ts";
import type { Keyring } from "./keyring.ts";
import { decodeMessage, readPushNodeState, writeMessage, writePushNodeState } from "./message-codec.ts";
import { ENCRYPT_OVERHEAD, MAX_STREAM_BYTES, MessageType } from "./message-type.ts";
import { MsgpackReader, type MsgValue } from "./msgpack-reader.ts";
import { MsgpackWriter } from "./msgpack-writer.ts";
import { type ByteSource, memorySource } from "./stream-buffer.ts";
import type { StreamMemory } from "./stream-memory.ts";
import { WireError, WireTruncatedError } from "./wire-error.ts";

/**
 * Messages over a TCP stream. Body forms: pushPull = `[6]` + msgpack header `{Nodes,
 * UserStateLen, Join}` + Nodes msgpack node states + UserStateLen raw bytes; user =
 * `[8]` + msgpack `{UserMsgLen}` + raw bytes; anything else as in packets. Then LZW
 * (`[9]{Algo,Buf}`, always, when compression is on) and, with a keyring,
 * `[10][len u32 BE][vsn|nonce|ct|tag]` authenticated with those first 5 bytes.
 */
export interface StreamEncodeOptions {
  compression: boolean;
  keyring?: Keyring;
  random?: SecureRandomBytes;
}

export interface StreamDecodeOptions {
  keyring?: Keyring;
  /** Largest message accepted, at every stage: frame, plaintext, decompressed (memberlist: 20 MiB). */
  maxBytes?: number;
  /** Node states a push/pull may declare (default PUSH_PULL_NODES_MAX). */
  nodesMax?: number;
  /**
   * Where the decrypted copy and the decompressed output are reserved (incoming streams; the
   * source's own buffer reserves what it receives). Without it only maxBytes bounds them.
   */
  memory?: StreamMemory;
}

/** Node states one push/pull may declare: twice the default member table bound (membersMax). */
export const PUSH_PULL_NODES_MAX = 10_000;

/**
 * How much larger than its compressed form a stream message may decompress to. A push/pull
 * of 5,000 members compresses about 6.5 to 1 with LZW, 34 to 1 when every member carries the
 * same 400 bytes of tags; runs of one byte reach 1,150 to 1, which let a 7 KB stream cost
 * 8 MiB of memory and 130 ms of CPU.
 */
export const DECOMPRESSION_RATIO_MAX = 128;

interface DecodeLimits {
  maxBytes: number;
  nodesMax: number;
  memory: StreamMemory | undefined;
}

export function encodeStreamBody(msg: GossipMessage): Uint8Array {
  const w = new MsgpackWriter(256);
  if (msg.type === "pushPull") {
    w.byte(MessageType.pushPull).struct([
      ["Nodes", (x) => x.uint(msg.nodes.length)],
      ["UserStateLen", (x) => x.uint(msg.userState.length)],
      ["Join", (x) => x.bool(msg.join)],
    ]);
    for (const n of msg.nodes) writePushNodeState(w, n);
    w.raw(msg.userState);
  } else if (msg.type === "user") {
    w.byte(MessageType.user).struct([["UserMsgLen", (x) => x.uint(msg.payload.length)]]).raw(msg.payload);
  } else {
    writeMessage(w, msg);
  }
  return w.bytes();
}

export function encodeStream(msg: GossipMessage, opts: StreamEncodeOptions): Uint8Array {
  let buf = encodeStreamBody(msg);
  if (opts.compression) buf = compressMessage(buf);
  if (!opts.keyring) return buf;
  if (!opts.random) throw new RangeError("encodeStream: a keyring needs a nonce source (random)");
  const header = new Uint8Array(5);
  header[0] = MessageType.encrypt;
  new DataView(header.buffer).setUint32(1, buf.length + ENCRYPT_OVERHEAD);
  const sealed = encryptPayload(opts.keyring, buf, header, opts.random);
  const out = new Uint8Array(5 + sealed.length);
  out.set(header);
  out.set(sealed, 5);
  return out;
}

/**
 * Reads one message from a stream. Rejects with WireError (reason says why) or the source's
 * own error (timeout, peer closed).
 */
export async function readStreamMessage(src: ByteSource, opts: StreamDecodeOptions): Promise<GossipMessage> {
  const maxBytes = opts.maxBytes ?? MAX_STREAM_BYTES;
  const limits: DecodeLimits = { maxBytes, nodesMax: opts.nodesMax ?? PUSH_PULL_NODES_MAX, memory: opts.memory };
  await src.waitFor(1);
  const first = src.bytes()[0] as number;
  if (first === MessageType.encrypt) {
    if (!opts.keyring) throw new WireError("stream is encrypted but encryption is not configured", "decrypt_failed");
    await src.waitFor(5);
    const header = src.bytes().slice(0, 5);
    const len = new DataView(header.buffer).getUint32(1);
    // The declared length is checked before a byte of the body is awaited.
    if (len > maxBytes) throw new WireError(`encrypted stream message of ${len} bytes is over the ${maxBytes}-byte limit`, "too_large");
    await src.waitFor(5 + len);
    // Authenticated first: nothing of an unauthenticated stream is decompressed or decoded.
    limits.memory?.reserve(len, "the decrypted message");
    const plain = decryptPayload(opts.keyring, src.bytes().subarray(5, 5 + len), header);
    return readPlain(memorySource(plain), limits, false);
  }
  if (opts.keyring) throw new WireError("encryption is configured but the stream is not encrypted", "not_encrypted");
  return readPlain(src, limits, false);
}

async function readPlain(src: ByteSource, limits: DecodeLimits, decompressed: boolean): Promise<GossipMessage> {
  const { maxBytes } = limits;
  await src.waitFor(1);
  const t = src.bytes()[0] as number;
  if (t === MessageType.compress) {
    if (decompressed) throw new WireError("compressed stream message inside a compressed one", "too_deep");
    const { value, end } = await readValue(src, 1, maxBytes);
    // Output bounded by the message limit, the ratio to the compressed size, and the memory left.
    const outputMax = Math.min(maxBytes, Math.max(64 * 1024, end * DECOMPRESSION_RATIO_MAX), limits.memory?.available() ?? maxBytes);
    const plain = decompressValue(value, outputMax);
    limits.memory?.reserve(plain.length, "the decompressed message");
    return readPlain(memorySource(plain), limits, true);
  }
  if (t === MessageType.pushPull) return readPushPull(src, limits);
  if (t === MessageType.user) {
    const { value, end } = await readValue(src, 1, maxBytes);
    const len = checkedLength(fieldInt(asStruct(value, "userMsgHeader"), "UserMsgLen", "userMsgHeader"), "UserMsgLen", maxBytes);
    await src.waitFor(end + len);
    return { type: "user", payload: src.bytes().slice(end, end + len) };
  }
  if (t === MessageType.compound || t === MessageType.encrypt || t === MessageType.hasCrc) {
    throw new WireError(`message type ${t} is not valid on a stream`, "unknown_type");
  }
  const { end } = await readValue(src, 1, maxBytes);
  return decodeMessage(src.bytes().subarray(0, end));
}

async function readPushPull(src: ByteSource, limits: DecodeLimits): Promise<PushPullMessage> {
  const { maxBytes } = limits;
  let { value, end } = await readValue(src, 1, maxBytes);
  const header = asStruct(value, "pushPullHeader");
  const count = checkedLength(fieldInt(header, "Nodes", "pushPullHeader"), "Nodes", limits.nodesMax);
  const userLen = checkedLength(fieldInt(header, "UserStateLen", "pushPullHeader"), "UserStateLen", maxBytes);
  const join = fieldBool(header, "Join", "pushPullHeader");
  const nodes: PushNodeState[] = [];
  // Decode every node state already received in one synchronous pass; wait only when cut short.
  while (nodes.length < count) {
    const r = new MsgpackReader(src.bytes(), end);
    try {
      while (nodes.length < count) {
        const v = r.read();
        nodes.push(readPushNodeState(asStruct(v, "pushNodeState")));
        end = r.pos;
      }
    } catch (error) {
      if (!(error instanceof WireTruncatedError)) throw error;
      if (error.needed > maxBytes) throw new WireError(`push/pull needs ${error.needed} bytes, over the ${maxBytes}-byte limit`, "too_large");
      await src.waitFor(error.needed);
    }
  }
  await src.waitFor(end + userLen);
  return { type: "pushPull", join, nodes, userState: src.bytes().slice(end, end + userLen) };
}

function checkedLength(n: number, what: string, maxBytes: number): number {
  if (n < 0 || n > maxBytes) throw new WireError(`${what} ${n} is outside 0..${maxBytes}`, n < 0 ? "malformed" : "too_large");
  return n;
}

/** Decodes one msgpack value at `offset`, waiting for more bytes as long as it is cut short. */
async function readValue(src: ByteSource, offset: number, maxBytes: number): Promise<{ value: MsgValue; end: number }> {
  for (;;) {
    const r = new MsgpackReader(src.bytes(), offset);
    try {
      const value = r.read();
      return { value, end: r.pos };
    } catch (error) {
      if (!(error instanceof WireTruncatedError)) throw error;
      if (error.needed > maxBytes) {
        throw new WireError(`stream message needs ${error.needed} bytes, over the ${maxBytes}-byte limit`, "too_large");
      }
      await src.waitFor(error.needed);
    }
  }
}
