import { describe, expect, test } from "bun:test";
import type { GossipMessage } from "../../src/membership/messages.ts";
import { secureRandomBytes } from "../../src/platform/secure-random.ts";
import {
  compressMessage,
  crc32,
  createKeyring,
  decodePacket,
  encodeMessage,
  encodePacket,
  makeCompound,
  MessageType,
} from "../../src/membership/wire/index.ts";
import { sampleMessages } from "./samples.ts";

const ring = createKeyring([new Uint8Array(32).fill(5)]);
const plainOpts = { compression: false, crc: false };

describe("packet pipeline", () => {
  test("one message goes out bare; several as a compound", () => {
    const one = encodePacket([sampleMessages[0] as GossipMessage], plainOpts);
    expect(one).toEqual(encodeMessage(sampleMessages[0] as GossipMessage));
    const two = encodePacket(sampleMessages.slice(0, 2), plainOpts);
    expect(two[0]).toBe(MessageType.compound);
    expect(two[1]).toBe(2);
    expect(decodePacket(two, {})).toEqual({ messages: sampleMessages.slice(0, 2), drops: [] });
  });

  test("every option combination round trips all sample messages", () => {
    for (const compression of [false, true]) {
      for (const crc of [false, true]) {
        for (const keyring of [undefined, ring]) {
          const bytes = encodePacket(sampleMessages, { compression, crc, keyring, random: secureRandomBytes });
          expect(decodePacket(bytes, { keyring, requestsMax: 255 })).toEqual({ messages: sampleMessages, drops: [] });
        }
      }
    }
  });

  test("a packet too small to shrink is not even tried (a bare ping or ack)", () => {
    const ping: GossipMessage = { type: "ping", seqNo: 7, node: "node-a", sourceAddr: "10.0.0.1", sourcePort: 7946, sourceNode: "node-b" };
    expect(encodePacket([ping], { compression: true, crc: false })).toEqual(encodeMessage(ping));
    const zeros: GossipMessage = { type: "user", payload: new Uint8Array(400) };
    expect(encodePacket([zeros], { compression: true, crc: false })[0]).toBe(MessageType.compress);
  });

  test("compression only when smaller", () => {
    const small = encodePacket([{ type: "nack", seqNo: 1 }], { compression: true, crc: false });
    expect(small[0]).toBe(MessageType.nack);
    const many = Array.from({ length: 20 }, (_, i): GossipMessage => ({ type: "suspect", incarnation: i, node: "node-a", from: "node-b" }));
    const packed = encodePacket(many, { compression: true, crc: false });
    expect(packed[0]).toBe(MessageType.compress);
    expect(decodePacket(packed, {}).messages).toEqual(many);
  });

  test("crc prefix is [12][crc32 BE] and a bad crc is dropped", () => {
    const bytes = encodePacket([sampleMessages[6] as GossipMessage], { compression: false, crc: true });
    expect(bytes[0]).toBe(MessageType.hasCrc);
    const body = bytes.subarray(5);
    expect(new DataView(bytes.buffer).getUint32(1)).toBe(crc32(body));
    const broken = bytes.slice();
    broken[broken.length - 1] = (broken[broken.length - 1] as number) ^ 1;
    expect(decodePacket(broken, {}).drops[0]?.reason).toBe("bad_crc");
  });

  test("encryption: plaintext and wrong key are dropped with reasons", () => {
    const plain = encodePacket([sampleMessages[6] as GossipMessage], plainOpts);
    expect(decodePacket(plain, { keyring: ring })).toEqual({ messages: [], drops: [{ reason: "not_encrypted", detail: expect.any(String) }] });
    // A plaintext ping starts with 0, which looks like an encryption version: it fails to decrypt.
    const ping = encodePacket([sampleMessages[0] as GossipMessage], plainOpts);
    expect(decodePacket(ping, { keyring: ring }).drops[0]?.reason).toBe("decrypt_failed");
    const sealed = encodePacket([sampleMessages[0] as GossipMessage], { ...plainOpts, keyring: ring, random: secureRandomBytes });
    expect(sealed.length).toBe(ping.length + 29);
    const wrong = createKeyring([new Uint8Array(32).fill(6)]);
    expect(decodePacket(sealed, { keyring: wrong }).drops[0]?.reason).toBe("decrypt_failed");
  });

  test("a bad part of a compound drops only that part", () => {
    const good = encodeMessage({ type: "nack", seqNo: 4 });
    const packet = makeCompound([good, Uint8Array.from([2, 0xc1]), Uint8Array.from([99]), good]);
    const out = decodePacket(packet, {});
    expect(out.messages).toEqual([{ type: "nack", seqNo: 4 }, { type: "nack", seqNo: 4 }]);
    expect(out.drops.map((d) => d.reason)).toEqual(["malformed", "unknown_type"]);
  });

  test("truncated compound parts are reported", () => {
    const packet = makeCompound([encodeMessage({ type: "nack", seqNo: 4 }), encodeMessage({ type: "nack", seqNo: 5 })]);
    const out = decodePacket(packet.subarray(0, packet.length - 2), {});
    expect(out.messages).toEqual([{ type: "nack", seqNo: 4 }]);
    expect(out.drops[0]?.detail).toContain("1 truncated");
  });

  test("nesting is bounded", () => {
    let p = encodeMessage({ type: "nack", seqNo: 1 });
    for (let i = 0; i < 10; i++) p = i % 2 ? compressMessage(p) : makeCompound([p]);
    const out = decodePacket(p, {});
    expect(out.messages).toEqual([]);
    expect(out.drops.some((d) => d.reason === "too_deep")).toBe(true);
  });

  test("only the first pings and indirect pings of a packet are delivered, wherever they are nested", () => {
    const pings: GossipMessage[] = Array.from({ length: 255 }, (_, i) => ({ type: "ping", seqNo: i, node: "b", sourceAddr: "192.0.2.7", sourcePort: 9 }));
    const flat = decodePacket(encodePacket(pings, plainOpts), {});
    expect(flat.messages.map((m) => m.type === "ping" && m.seqNo)).toEqual([0, 1]);
    expect(flat.drops.length).toBe(253);
    expect(new Set(flat.drops.map((d) => d.reason))).toEqual(new Set(["too_many_requests"]));
    // Nested compounds inside a compressed one share the packet's budget; other messages pass.
    const mixed: GossipMessage[] = [
      { type: "indirectPing", seqNo: 1, targetAddr: "10.0.0.1", targetPort: 7946, node: "x", nack: true },
      { type: "suspect", incarnation: 2, node: "x", from: "y" },
    ];
    const inner = encodePacket([...mixed, ...mixed], plainOpts);
    const packet = compressMessage(makeCompound([inner, inner]));
    const out = decodePacket(packet, {});
    expect(out.messages.map((m) => m.type)).toEqual(["indirectPing", "suspect", "indirectPing", "suspect", "suspect", "suspect"]);
    expect(out.drops.map((d) => d.reason)).toEqual(["too_many_requests", "too_many_requests"]);
  });

  test("a compressed bomb is dropped", () => {
    const bomb = compressMessage(Uint8Array.from([8, ...new Uint8Array(2_000_000)]));
    expect(bomb.length).toBeLessThan(20000);
    expect(decodePacket(bomb, {}).drops[0]?.reason).toBe("too_large");
  });
});
