import { describe, expect, test } from "bun:test";
import { createSeededRandom } from "../../src/platform/random.ts";
import { lzwCompress, lzwDecompress, WireError } from "../../src/membership/wire/index.ts";
import { toHex } from "./hex.ts";

function randomBytes(seed: number, n: number, alphabet = 256): Uint8Array {
  const r = createSeededRandom(seed);
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = r.int(alphabet);
  return out;
}

describe("LZW (Go compress/lzw, LSB, 8-bit literals)", () => {
  test("empty input is clear + eof, as Go writes it", () => {
    // 256 then 257 at 9 bits, LSB first: 0x100 | 0x101 << 9 = 0x20300 -> 00 03 02
    expect(toHex(lzwCompress(new Uint8Array(0)))).toBe("00 03 02");
    expect(lzwDecompress(Uint8Array.from([0, 3, 2]), 10)).toEqual(new Uint8Array(0));
  });

  test("one byte: clear, literal, eof", () => {
    // codes 256, 0x41, 257 at 9 bits
    const bits = 256 | (0x41 << 9) | (257 << 18);
    const expected = [bits & 0xff, (bits >> 8) & 0xff, (bits >> 16) & 0xff, (bits >>> 24) & 0xff];
    expect(Array.from(lzwCompress(Uint8Array.from([0x41])))).toEqual(expected);
  });

  test("round trips: text, repetitive, random, across table resets and width changes", () => {
    const cases = [
      new TextEncoder().encode("TOBEORNOTTOBEORTOBEORNOT"),
      new Uint8Array(100000).fill(7),
      randomBytes(1, 50000),
      randomBytes(2, 200000, 4),
      randomBytes(3, 3000, 16),
    ];
    for (const c of cases) {
      const packed = lzwCompress(c);
      expect(lzwDecompress(packed, c.length)).toEqual(c);
    }
  });

  test("calls share tables without leaking state: interleaved inputs give the same bytes as fresh ones", () => {
    const inputs = [randomBytes(4, 9000, 8), new TextEncoder().encode("TOBEORNOTTOBEORTOBEORNOT"), randomBytes(5, 1400, 64)];
    const first = inputs.map((c) => lzwCompress(c));
    for (let round = 0; round < 3; round++) {
      for (const [i, c] of inputs.entries()) {
        expect(lzwCompress(c)).toEqual(first[i] as Uint8Array);
        expect(lzwDecompress(first[i] as Uint8Array, c.length)).toEqual(c);
      }
    }
  });

  test("KwKwK case (code == next code) decodes", () => {
    const c = new TextEncoder().encode("aaaaaaaaaaaaaaaaaaaaaaaaaaaaab");
    expect(lzwDecompress(lzwCompress(c), 100)).toEqual(c);
  });

  test("output bound rejects a decompression bomb", () => {
    const bomb = lzwCompress(new Uint8Array(1_000_000));
    expect(bomb.length).toBeLessThan(5000);
    let err: unknown;
    try {
      lzwDecompress(bomb, 64 * 1024);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(WireError);
    expect((err as WireError).reason).toBe("too_large");
  });

  test("missing end code and invalid codes are errors", () => {
    const packed = lzwCompress(new TextEncoder().encode("hello hello hello"));
    expect(() => lzwDecompress(packed.subarray(0, packed.length - 2), 1000)).toThrow(WireError);
    // first code after clear must be a literal: 0x1ff at 9 bits
    expect(() => lzwDecompress(Uint8Array.from([0xff, 0x01, 0x00, 0x00]), 1000)).toThrow(WireError);
  });
});
