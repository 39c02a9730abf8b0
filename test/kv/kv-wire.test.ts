import { describe, expect, test } from "bun:test";
import { KV_LIMITS } from "../../src/kv/kv-backend.ts";
import { KV_WIRE_LIMITS, replyOf, type KvMessage } from "../../src/kv/kv-messages.ts";
import { decodeKvMessage, encodeKvMessage, KvWireError } from "../../src/kv/kv-wire.ts";

const bytes = (text: string) => new TextEncoder().encode(text);
const record = { key: "app/ü", value: bytes("v"), version: { ms: 1_767_225_600_000, counter: 7, node: "node-1" } };

describe("key-value codec", () => {
  const messages: KvMessage[] = [
    { type: "kvWrite", records: [record, { key: "gone", value: undefined, version: { ms: 1, counter: 0, node: "n" } }] },
    { type: "kvRead", key: "app/config" },
    { type: "kvList", prefix: "", limit: 1000 },
    { type: "kvList", prefix: "app/", afterKey: "app/b", limit: 5 },
    { type: "kvDigest", bucketCount: 64, digests: [{ bucket: 3, high: 0xffff_ffff, low: 1 }] },
    { type: "kvNotice", key: "app/config", deleted: true, version: { ms: 5, counter: 1, node: "n" } },
    replyOf({ applied: 2 }),
    replyOf({ ok: false, error: "disk full" }),
    replyOf({ records: [record], buckets: [1, 63], truncated: true }),
  ];
  for (const message of messages) {
    test(`round-trips ${message.type} ${JSON.stringify(message).slice(0, 60)}`, () => {
      expect(decodeKvMessage(encodeKvMessage(message))).toEqual(message);
    });
  }

  /** Hand-made hostile messages: each must be refused with a KvWireError naming the problem. */
  const u16 = (n: number) => [n >> 8, n & 0xff];
  const u32 = (n: number) => [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
  const f64 = (n: number) => [...new Uint8Array(new Float64Array([n]).buffer)].reverse();
  const str = (text: string) => [...u16(bytes(text).length), ...bytes(text)];
  const recordBytes = (fields: { key?: number[]; ms?: number; node?: number[]; tomb?: number; length?: number; value?: number[] }) => [
    ...(fields.key ?? str("k")),
    ...f64(fields.ms ?? 1),
    ...u32(0),
    ...(fields.node ?? str("n")),
    fields.tomb ?? 0,
    ...(fields.tomb === 1 ? [] : [...u32(fields.length ?? 1), ...(fields.value ?? [0x41])]),
  ];
  const hostile: [string, number[], RegExp][] = [
    ["empty payload", [], /unknown type byte \(empty\)/],
    ["unknown type", [0xde], /unknown type byte 0xde/],
    ["notice with a deleted flag of 2", [0xdd, ...str("k"), ...f64(1), ...u32(0), ...str("n"), 2], /deleted flag 2/],
    ["notice with a fractional version", [0xdd, ...str("k"), ...f64(0.5), ...u32(0), ...str("n"), 0], /not a non-negative integer/],
    ["truncated read", [0xd9, 0, 5, 0x61], /truncated at key/],
    ["trailing bytes", [0xd9, ...str("k"), 0], /1 bytes after the end/],
    ["empty key", [0xd9, ...str("")], /must not be empty/],
    ["key over the limit", [0xd9, ...str("k".repeat(KV_LIMITS.keyBytesMax + 1))], /over 512/],
    ["control character in a key", [0xd9, ...str("a\u0001b")], /control characters/],
    ["key not UTF-8", [0xd9, 0, 2, 0xc3, 0x28], /not UTF-8/],
    ["too many records", [0xd8, ...u16(KV_WIRE_LIMITS.recordsMax + 1)], /257 records is over 256/],
    ["fewer records than counted", [0xd8, ...u16(2), ...recordBytes({})], /truncated/],
    ["fractional version ms", [0xd8, ...u16(1), ...recordBytes({ ms: 1.5 })], /not a non-negative integer/],
    ["negative version ms", [0xd8, ...u16(1), ...recordBytes({ ms: -1 })], /not a non-negative integer/],
    ["NaN version ms", [0xd8, ...u16(1), ...recordBytes({ ms: Number.NaN })], /not a non-negative integer/],
    ["version without a node", [0xd8, ...u16(1), ...recordBytes({ node: str("") })], /names no node/],
    ["node name over the limit", [0xd8, ...u16(1), ...recordBytes({ node: str("n".repeat(513)) })], /over 512/],
    ["tombstone flag 2", [0xd8, ...u16(1), ...recordBytes({ tomb: 2 })], /tombstone flag 2/],
    ["value over the limit", [0xd8, ...u16(1), ...recordBytes({ length: KV_LIMITS.valueBytesMax + 1, value: [] })], /65537 bytes, over 65536/],
    ["value shorter than its length", [0xd8, ...u16(1), ...recordBytes({ length: 10, value: [1] })], /truncated at value/],
    ["list limit 0", [0xda, ...str("p"), 0, ...u16(0)], /list limit 0/],
    ["list limit over the maximum", [0xda, ...str("p"), 0, ...u16(1001)], /list limit 1001/],
    ["digest bucket count 0", [0xdb, ...u16(0), ...u16(0)], /bucket count 0/],
    ["digest bucket out of range", [0xdb, ...u16(4), ...u16(1), ...u16(4), ...u32(1), ...u32(1)], /bucket 4 is not below 4/],
    ["more digests than buckets", [0xdb, ...u16(2), ...u16(3)], /3 digests for 2 buckets/],
    ["unknown reply flags", [0xdc, 8], /unknown reply flags 8/],
    ["applied count over the bound", [0xdc, 1, ...u32(100_000)], /applied count 100000/],
    ["reply bucket over the bound", [0xdc, 1, ...u32(0), ...u16(0), ...u16(1), ...u16(300)], /bucket 300/],
  ];
  for (const [what, payload, message] of hostile) {
    test(`refuses ${what}`, () => {
      let error: unknown;
      try {
        decodeKvMessage(Uint8Array.from(payload));
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(KvWireError);
      expect((error as Error).message).toMatch(message);
    });
  }

  test("an encoder never writes what the decoder would refuse: a message over 1 MiB fails to encode", () => {
    const big = new Uint8Array(KV_LIMITS.valueBytesMax);
    const records = Array.from({ length: 20 }, (_, i) => ({ key: `k${i}`, value: big, version: { ms: 1, counter: 0, node: "n" } }));
    expect(() => encodeKvMessage({ type: "kvWrite", records })).toThrow(/over 1048576 bytes/);
  });
});
