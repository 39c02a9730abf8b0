import { assertNever } from "../platform/assert-never.ts";
import { KV_LIMITS, validateKvKey } from "./kv-backend.ts";
import { KV_MESSAGE_TYPE, KV_WIRE_LIMITS, type KvBucketDigest, type KvMessage } from "./kv-messages.ts";
import type { KvRecord } from "./kv-record.ts";
import { KV_VERSION_LIMITS, type KvVersion } from "./kv-version.ts";

/** A message that breaks the wire format or a bound; the receiver drops it whole and counts it. */
export class KvWireError extends Error {
  constructor(message: string) {
    super(`key-value message: ${message}`);
    this.name = "KvWireError";
  }
}

/*
 * Layout, big-endian: one type byte, then per type:
 *   kvWrite  u16 count, record*
 *   kvRead   str16 key
 *   kvList   str16 prefix, u8 hasAfter, [str16 afterKey], u16 limit
 *   kvDigest u16 bucketCount, u16 count, (u16 bucket, u32 high, u32 low)*
 *   kvNotice str16 key, f64 ms, u32 counter, str16 node, u8 deleted
 *   kvReply  u8 flags (1 ok, 2 truncated, 4 has error), [str16 error], u32 applied, u16 count, record*, u16 count, u16 bucket*
 * record: str16 key, f64 ms, u32 counter, str16 node, u8 tombstone, [u32 length, bytes]
 */

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true });

class Writer {
  private buffer = new Uint8Array(256);
  private view = new DataView(this.buffer.buffer);
  length = 0;

  private room(bytes: number): void {
    if (this.length + bytes > KV_WIRE_LIMITS.messageBytesMax) throw new KvWireError(`over ${KV_WIRE_LIMITS.messageBytesMax} bytes`);
    if (this.length + bytes <= this.buffer.length) return;
    const next = new Uint8Array(Math.max(this.buffer.length * 2, this.length + bytes));
    next.set(this.buffer.subarray(0, this.length));
    this.buffer = next;
    this.view = new DataView(next.buffer);
  }
  u8(v: number): void {
    this.room(1);
    this.view.setUint8(this.length, v);
    this.length += 1;
  }
  u16(v: number): void {
    this.room(2);
    this.view.setUint16(this.length, v);
    this.length += 2;
  }
  u32(v: number): void {
    this.room(4);
    this.view.setUint32(this.length, v);
    this.length += 4;
  }
  f64(v: number): void {
    this.room(8);
    this.view.setFloat64(this.length, v);
    this.length += 8;
  }
  bytes(b: Uint8Array): void {
    this.room(b.length);
    this.buffer.set(b, this.length);
    this.length += b.length;
  }
  str16(text: string): void {
    const b = encoder.encode(text);
    if (b.length > 0xffff) throw new KvWireError(`text of ${b.length} bytes is too long`);
    this.u16(b.length);
    this.bytes(b);
  }
  done(): Uint8Array {
    return this.buffer.slice(0, this.length);
  }
}

class Reader {
  private offset = 1;
  private readonly view: DataView;
  constructor(private readonly payload: Uint8Array) {
    this.view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  }
  private need(bytes: number, what: string): void {
    if (this.offset + bytes > this.payload.length) throw new KvWireError(`truncated at ${what}`);
  }
  u8(what: string): number {
    this.need(1, what);
    return this.view.getUint8(this.offset++);
  }
  u16(what: string): number {
    this.need(2, what);
    const v = this.view.getUint16(this.offset);
    this.offset += 2;
    return v;
  }
  u32(what: string): number {
    this.need(4, what);
    const v = this.view.getUint32(this.offset);
    this.offset += 4;
    return v;
  }
  f64(what: string): number {
    this.need(8, what);
    const v = this.view.getFloat64(this.offset);
    this.offset += 8;
    return v;
  }
  bytes(length: number, what: string): Uint8Array {
    this.need(length, what);
    const out = this.payload.slice(this.offset, this.offset + length);
    this.offset += length;
    return out;
  }
  str16(what: string, bytesMax: number): string {
    const length = this.u16(`${what} length`);
    if (length > bytesMax) throw new KvWireError(`${what} of ${length} bytes is over ${bytesMax}`);
    try {
      return decoder.decode(this.bytes(length, what));
    } catch (error) {
      if (error instanceof KvWireError) throw error;
      throw new KvWireError(`${what} is not UTF-8`);
    }
  }
  end(): void {
    if (this.offset !== this.payload.length) throw new KvWireError(`${this.payload.length - this.offset} bytes after the end`);
  }
}

export function encodeKvMessage(message: KvMessage): Uint8Array {
  const w = new Writer();
  w.u8(KV_MESSAGE_TYPE[message.type]);
  switch (message.type) {
    case "kvWrite":
      writeRecords(w, message.records);
      break;
    case "kvRead":
      w.str16(message.key);
      break;
    case "kvList":
      w.str16(message.prefix);
      w.u8(message.afterKey === undefined ? 0 : 1);
      if (message.afterKey !== undefined) w.str16(message.afterKey);
      w.u16(message.limit);
      break;
    case "kvDigest":
      w.u16(message.bucketCount);
      w.u16(message.digests.length);
      for (const d of message.digests) {
        w.u16(d.bucket);
        w.u32(d.high >>> 0);
        w.u32(d.low >>> 0);
      }
      break;
    case "kvNotice":
      w.str16(message.key);
      w.f64(message.version.ms);
      w.u32(message.version.counter);
      w.str16(message.version.node);
      w.u8(message.deleted ? 1 : 0);
      break;
    case "kvReply":
      w.u8((message.ok ? 1 : 0) | (message.truncated ? 2 : 0) | (message.error !== undefined ? 4 : 0));
      if (message.error !== undefined) w.str16(truncateText(message.error, KV_WIRE_LIMITS.errorBytesMax));
      w.u32(message.applied);
      writeRecords(w, message.records);
      w.u16(message.buckets.length);
      for (const b of message.buckets) w.u16(b);
      break;
    default:
      assertNever(message, "key-value message");
  }
  return w.done();
}

/** Decodes and validates every field; throws KvWireError naming the first problem. */
export function decodeKvMessage(payload: Uint8Array): KvMessage {
  const r = new Reader(payload);
  const type = payload[0];
  let message: KvMessage;
  switch (type) {
    case KV_MESSAGE_TYPE.kvWrite:
      message = { type: "kvWrite", records: readRecords(r) };
      break;
    case KV_MESSAGE_TYPE.kvRead:
      message = { type: "kvRead", key: readKey(r, "key") };
      break;
    case KV_MESSAGE_TYPE.kvList: {
      const prefix = r.str16("prefix", KV_LIMITS.keyBytesMax);
      const afterKey = r.u8("cursor flag") === 1 ? readKey(r, "cursor") : undefined;
      const limit = r.u16("limit");
      if (limit < 1 || limit > KV_LIMITS.listEntriesMax) throw new KvWireError(`list limit ${limit} is not within 1..${KV_LIMITS.listEntriesMax}`);
      message = { type: "kvList", prefix, afterKey, limit };
      break;
    }
    case KV_MESSAGE_TYPE.kvDigest: {
      const bucketCount = r.u16("bucket count");
      if (bucketCount < 1 || bucketCount > KV_WIRE_LIMITS.bucketsMax) throw new KvWireError(`bucket count ${bucketCount} is not within 1..${KV_WIRE_LIMITS.bucketsMax}`);
      const count = r.u16("digest count");
      if (count > bucketCount) throw new KvWireError(`${count} digests for ${bucketCount} buckets`);
      const digests: KvBucketDigest[] = [];
      for (let i = 0; i < count; i++) {
        const bucket = r.u16("bucket");
        if (bucket >= bucketCount) throw new KvWireError(`bucket ${bucket} is not below ${bucketCount}`);
        digests.push({ bucket, high: r.u32("digest"), low: r.u32("digest") });
      }
      message = { type: "kvDigest", bucketCount, digests };
      break;
    }
    case KV_MESSAGE_TYPE.kvNotice: {
      const key = readKey(r, "key");
      const version = readVersion(r, key);
      const deleted = r.u8("deleted flag");
      if (deleted > 1) throw new KvWireError(`deleted flag ${deleted} of ${JSON.stringify(key)} is not 0 or 1`);
      message = { type: "kvNotice", key, deleted: deleted === 1, version };
      break;
    }
    case KV_MESSAGE_TYPE.kvReply: {
      const flags = r.u8("flags");
      if (flags > 7) throw new KvWireError(`unknown reply flags ${flags}`);
      const error = (flags & 4) !== 0 ? r.str16("error", KV_WIRE_LIMITS.errorBytesMax) : undefined;
      const applied = r.u32("applied");
      if (applied > KV_WIRE_LIMITS.recordsMax) throw new KvWireError(`applied count ${applied} is over ${KV_WIRE_LIMITS.recordsMax}`);
      const records = readRecords(r);
      const bucketTotal = r.u16("bucket count");
      if (bucketTotal > KV_WIRE_LIMITS.bucketsMax) throw new KvWireError(`${bucketTotal} buckets is over ${KV_WIRE_LIMITS.bucketsMax}`);
      const buckets: number[] = [];
      for (let i = 0; i < bucketTotal; i++) {
        const b = r.u16("bucket");
        if (b >= KV_WIRE_LIMITS.bucketsMax) throw new KvWireError(`bucket ${b} is over ${KV_WIRE_LIMITS.bucketsMax - 1}`);
        buckets.push(b);
      }
      message = { type: "kvReply", ok: (flags & 1) !== 0, error, applied, records, buckets, truncated: (flags & 2) !== 0 };
      break;
    }
    default:
      throw new KvWireError(`unknown type byte ${type === undefined ? "(empty)" : `0x${type.toString(16)}`}`);
  }
  r.end();
  return message;
}

function writeRecords(w: Writer, records: readonly KvRecord[]): void {
  if (records.length > KV_WIRE_LIMITS.recordsMax) throw new KvWireError(`${records.length} records is over ${KV_WIRE_LIMITS.recordsMax}`);
  w.u16(records.length);
  for (const record of records) {
    w.str16(record.key);
    w.f64(record.version.ms);
    w.u32(record.version.counter);
    w.str16(record.version.node);
    w.u8(record.value === undefined ? 1 : 0);
    if (record.value !== undefined) {
      w.u32(record.value.length);
      w.bytes(record.value);
    }
  }
}

function readRecords(r: Reader): KvRecord[] {
  const count = r.u16("record count");
  if (count > KV_WIRE_LIMITS.recordsMax) throw new KvWireError(`${count} records is over ${KV_WIRE_LIMITS.recordsMax}`);
  const records: KvRecord[] = [];
  for (let i = 0; i < count; i++) {
    const key = readKey(r, "key");
    const version = readVersion(r, key);
    const tombstone = r.u8("tombstone flag");
    if (tombstone > 1) throw new KvWireError(`tombstone flag ${tombstone} of ${JSON.stringify(key)} is not 0 or 1`);
    let value: Uint8Array | undefined;
    if (tombstone === 0) {
      const length = r.u32("value length");
      if (length > KV_LIMITS.valueBytesMax) throw new KvWireError(`value of ${JSON.stringify(key)} is ${length} bytes, over ${KV_LIMITS.valueBytesMax}`);
      value = r.bytes(length, "value");
    }
    records.push({ key, value, version });
  }
  return records;
}

function readVersion(r: Reader, key: string): KvVersion {
  const ms = r.f64("version ms");
  if (!Number.isSafeInteger(ms) || ms < 0) throw new KvWireError(`version ms ${ms} of ${JSON.stringify(key)} is not a non-negative integer`);
  const counter = r.u32("version counter");
  const node = r.str16("version node", KV_VERSION_LIMITS.nodeBytesMax);
  if (node === "") throw new KvWireError(`version of ${JSON.stringify(key)} names no node`);
  return { ms, counter, node };
}

function readKey(r: Reader, what: string): string {
  const key = r.str16(what, KV_LIMITS.keyBytesMax);
  try {
    validateKvKey(key);
  } catch (error) {
    throw new KvWireError(`${what}: ${(error as Error).message}`);
  }
  return key;
}

function truncateText(text: string, bytesMax: number): string {
  let out = text;
  while (encoder.encode(out).length > bytesMax) out = out.slice(0, Math.floor(out.length * 0.9));
  return out;
}
