import { describe, expect, test } from "bun:test";
import { decodeSerfMessage, decodeTags } from "../../src/cluster/serf-wire.ts";
import type { GossipMessage } from "../../src/membership/messages.ts";
import {
  compressMessage,
  createKeyring,
  decodeMsgpack,
  decodePacket,
  encodePacket,
  encodeStream,
  lzwDecompress,
  makeCompound,
  memorySource,
  readStreamMessage,
  WireError,
} from "../../src/membership/wire/index.ts";
import { createSeededRandom, type Random } from "../../src/platform/random.ts";
import { sampleMessages, vsn } from "./samples.ts";

/**
 * Seeded fuzzing of every decoder: random bytes, mutated valid packets/streams, truncation,
 * oversized input and wrong keys. Nothing may escape but drops (packets) or WireError
 * (streams, msgpack); memory stays bounded.
 */
const ring = createKeyring([new Uint8Array(32).fill(1)]);
const otherRing = createKeyring([new Uint8Array(16).fill(2)]);

function bytes(r: Random, n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = r.int(256);
  return out;
}

function mutate(r: Random, input: Uint8Array): Uint8Array {
  const b = Array.from(input);
  const edits = 1 + r.int(4);
  for (let e = 0; e < edits; e++) {
    const at = r.int(Math.max(1, b.length));
    switch (r.int(6)) {
      case 0:
        b[at] = r.int(256);
        break;
      case 1:
        b.splice(at, 1);
        break;
      case 2:
        b.splice(at, 0, r.int(256));
        break;
      case 3:
        b.length = at;
        break;
      case 4:
        // Interesting msgpack headers: huge lengths and counts.
        b.splice(at, 0, ...[0xdb, 0xff, 0xff, 0xff, 0xff, 0xdd, 0x7f, 0xff, 0xff, 0xff, 0xdf, 0xff, 0xff, 0xff, 0xff].slice(r.int(3) * 5, r.int(3) * 5 + 5));
        break;
      default:
        b[at] = (b[at] ?? 0) ^ (1 << r.int(8));
    }
  }
  return Uint8Array.from(b);
}

function validPackets(r: Random): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const compression of [false, true]) {
    for (const crc of [false, true]) {
      for (const keyring of [undefined, ring]) {
        const n = 1 + r.int(sampleMessages.length);
        const msgs = Array.from({ length: n }, () => sampleMessages[r.int(sampleMessages.length)] as GossipMessage);
        out.push(encodePacket(msgs, { compression, crc, keyring, random: (k) => bytes(r, k) }));
      }
    }
  }
  return out;
}

function expectDropsOnly(packet: Uint8Array, keyring = undefined as typeof ring | undefined): void {
  const out = decodePacket(packet, { keyring });
  expect(Array.isArray(out.messages)).toBe(true);
  for (const d of out.drops) expect(typeof d.reason).toBe("string");
}

describe("fuzz: packet decoder", () => {
  test("4000 random packets produce only drops or messages", () => {
    const r = createSeededRandom(1);
    for (let i = 0; i < 4000; i++) {
      const packet = bytes(r, r.int(1500));
      // Make half of them look like real message types so they get past the first byte.
      if (packet.length > 0 && i % 2 === 0) packet[0] = r.int(14);
      expectDropsOnly(packet);
      expectDropsOnly(packet, ring);
    }
  });

  test("6000 mutations of valid packets, with and without keys, never escape", () => {
    const r = createSeededRandom(2);
    const heapBefore = process.memoryUsage().heapUsed;
    for (let round = 0; round < 750; round++) {
      for (const p of validPackets(r)) {
        const m = mutate(r, p);
        expectDropsOnly(m);
        expectDropsOnly(m, ring);
        expectDropsOnly(m, otherRing);
      }
    }
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(200 * 1024 * 1024);
  });

  test("every truncation of valid packets is handled", () => {
    const r = createSeededRandom(3);
    for (const p of validPackets(r)) for (let n = 0; n <= p.length; n++) expectDropsOnly(p.subarray(0, n), p[0] === 1 ? ring : undefined);
  });

  test("oversized, deeply nested and bomb packets are dropped", () => {
    const r = createSeededRandom(4);
    expectDropsOnly(bytes(r, 65507));
    let nested: Uint8Array = Uint8Array.of(11, 0x80);
    for (let i = 0; i < 200; i++) nested = makeCompound([nested]);
    expect(decodePacket(nested, {}).drops.length).toBeGreaterThan(0);
    const bomb = compressMessage(new Uint8Array(5_000_000));
    expect(decodePacket(bomb, {}).drops[0]?.reason).toBe("too_large");
  });
});

describe("fuzz: streams, msgpack, LZW, serf", () => {
  test("2000 mutated streams resolve or reject with WireError, never hang", async () => {
    const r = createSeededRandom(5);
    const msgs: GossipMessage[] = [
      { type: "pushPull", join: true, nodes: [{ name: "a", addr: "10.0.0.1", port: 1, meta: Uint8Array.of(255, 128), incarnation: 3, state: 1, vsn }], userState: bytes(r, 40) },
      { type: "user", payload: bytes(r, 30) },
      ...sampleMessages.slice(0, 8),
    ];
    for (let i = 0; i < 2000; i++) {
      const keyring = i % 3 === 0 ? ring : undefined;
      const base = encodeStream(msgs[r.int(msgs.length)] as GossipMessage, { compression: i % 2 === 0, keyring, random: (k) => bytes(r, k) });
      const m = mutate(r, base);
      try {
        await readStreamMessage(memorySource(m), { keyring, maxBytes: 1024 * 1024 });
      } catch (error) {
        expect(error).toBeInstanceOf(WireError);
      }
    }
  });

  test("random msgpack, LZW and serf inputs throw only WireError", () => {
    const r = createSeededRandom(6);
    for (let i = 0; i < 5000; i++) {
      const b = bytes(r, r.int(300));
      for (const f of [() => decodeMsgpack(b), () => lzwDecompress(b, 100_000), () => decodeSerfMessage(b), () => decodeTags(b)]) {
        try {
          f();
        } catch (error) {
          expect(error).toBeInstanceOf(WireError);
        }
      }
    }
  });
});
