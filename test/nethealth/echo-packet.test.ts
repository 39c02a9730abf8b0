import { describe, expect, test } from "bun:test";
import { decodeEcho, ECHO_PACKET_BYTES, encodeEcho } from "../../src/nethealth/echo-packet.ts";

describe("echo datagram", () => {
  test("a request and a reply round-trip, 9 bytes each, sequence numbers up to 2^32-1", () => {
    for (const packet of [{ type: "request", seq: 0 }, { type: "reply", seq: 0xffff_ffff }, { type: "request", seq: 123456 }] as const) {
      const bytes = encodeEcho(packet);
      expect(bytes.length).toBe(ECHO_PACKET_BYTES);
      expect(decodeEcho(bytes)).toEqual(packet);
    }
  });

  test("a reply differs from its request only in the type byte", () => {
    const request = encodeEcho({ type: "request", seq: 7 });
    const reply = encodeEcho({ type: "reply", seq: 7 });
    expect([...request].map((b, i) => b === reply[i])).toEqual([true, true, true, true, false, true, true, true, true]);
  });

  test("anything else is refused with the reason, unread", () => {
    const good = encodeEcho({ type: "request", seq: 1 });
    expect(decodeEcho(new Uint8Array(0))).toBe("length");
    expect(decodeEcho(new Uint8Array([...good, 0]))).toBe("length");
    expect(decodeEcho(new Uint8Array(64 * 1024))).toBe("length");
    expect(decodeEcho(Uint8Array.from(good, (b, i) => (i === 0 ? 0x58 : b)))).toBe("magic");
    expect(decodeEcho(Uint8Array.from(good, (b, i) => (i === 4 ? 3 : b)))).toBe("type");
  });

  test("decodes from a view into a larger buffer", () => {
    const buffer = new Uint8Array(20);
    buffer.set(encodeEcho({ type: "reply", seq: 42 }), 5);
    expect(decodeEcho(buffer.subarray(5, 14))).toEqual({ type: "reply", seq: 42 });
  });

  test("a sequence number outside 32 bits is a programming error", () => {
    expect(() => encodeEcho({ type: "request", seq: 2 ** 32 })).toThrow(RangeError);
    expect(() => encodeEcho({ type: "request", seq: -1 })).toThrow(RangeError);
  });
});
