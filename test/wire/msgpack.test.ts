import { describe, expect, test } from "bun:test";
import { decodeMsgpack, MsgExt, MsgpackReader, MsgpackWriter, WireError, WireTruncatedError } from "../../src/membership/wire/index.ts";
import { hx, toHex } from "./hex.ts";

describe("msgpack writer (Go ugorji legacy forms)", () => {
  test("unsigned integers use the smallest unsigned form", () => {
    const w = new MsgpackWriter();
    w.uint(0).uint(127).uint(128).uint(255).uint(256).uint(65535).uint(65536).uint(0xffffffff).uint(2 ** 32);
    expect(toHex(w.bytes())).toBe(toHex(hx("00 7f cc80 ccff cd0100 cdffff ce00010000 ceffffffff cf0000000100000000")));
  });

  test("negative integers", () => {
    const w = new MsgpackWriter();
    w.int(-1).int(-32).int(-33).int(-128).int(-129).int(-32768).int(-32769).int(5);
    expect(toHex(w.bytes())).toBe(toHex(hx("ff e0 d0df d080 d1ff7f d18000 d2ffff7fff 05")));
  });

  test("strings and bytes use the raw family only (never str8 or bin)", () => {
    const w = new MsgpackWriter();
    w.str("").str("a".repeat(31)).str("b".repeat(32)).bin(new Uint8Array(300));
    const b = w.bytes();
    expect(b[0]).toBe(0xa0);
    expect(b[1]).toBe(0xbf);
    expect(b[33]).toBe(0xda);
    expect(b[34]).toBe(0);
    expect(b[35]).toBe(32);
    expect(b[68]).toBe(0xda);
    const big = new MsgpackWriter().bin(new Uint8Array(70000)).bytes();
    expect(toHex(big.subarray(0, 5))).toBe("db 00 01 11 70");
  });

  test("nil, bools, floats, containers", () => {
    const w = new MsgpackWriter();
    w.nil().bool(false).bool(true).float64(1.5).mapHeader(2).arrayHeader(16).mapHeader(16);
    expect(toHex(w.bytes())).toBe(toHex(hx("c0 c2 c3 cb3ff8000000000000 82 dc0010 de0010")));
  });

  test("binOrNil writes nil for empty", () => {
    expect(toHex(new MsgpackWriter().binOrNil(new Uint8Array(0)).bytes())).toBe("c0");
  });
});

describe("msgpack reader", () => {
  test("decodes every family", () => {
    const v = decodeMsgpack(hx(`9f 01 ff cc80 cd0100 ce00010000 cf0000000100000000 d0df d1ff7f d2ffff7fff d3ffffffffffffffff
      ca3fc00000 cb3ff8000000000000 d903"abc" c403010203 c70201abcd`)) as unknown[];
    expect(v.slice(0, 12)).toEqual([1, -1, 128, 256, 65536, 2 ** 32, -33, -129, -32769, -1, 1.5, 1.5]);
    expect(v[12]).toEqual(new TextEncoder().encode("abc"));
    expect(v[13]).toEqual(Uint8Array.from([1, 2, 3]));
    expect(v[14]).toBeInstanceOf(MsgExt);
    expect(v.length).toBe(15);
  });

  test("maps are keyed by strings", () => {
    const v = decodeMsgpack(hx(`82 a1"a" 01 a1"b" c3`));
    expect(v).toEqual(new Map<string, unknown>([["a", 1], ["b", true]]) as never);
  });

  test("fixext forms are skipped as ext values", () => {
    expect(decodeMsgpack(hx("d4 01 aa"))).toBeInstanceOf(MsgExt);
    expect(decodeMsgpack(hx("d8 01 00112233445566778899aabbccddeeff"))).toBeInstanceOf(MsgExt);
  });

  test("a declared 4 GB string in a tiny buffer is a truncation error, not an allocation", () => {
    const err = (() => {
      try {
        decodeMsgpack(hx("db ffffffff 00 01 02"));
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(WireTruncatedError);
    expect((err as WireTruncatedError).code).toBe("WIRE_MALFORMED");
    expect((err as WireTruncatedError).needed).toBe(5 + 0xffffffff);
  });

  test("huge array counts are rejected before allocating", () => {
    expect(() => decodeMsgpack(hx("dd ffffffff 01"))).toThrow(WireTruncatedError);
    expect(() => decodeMsgpack(hx("df 7fffffff 01"))).toThrow(WireTruncatedError);
  });

  test("nesting is limited", () => {
    const deep = new Uint8Array(100).fill(0x91);
    expect(() => decodeMsgpack(deep)).toThrow(WireError);
    try {
      decodeMsgpack(deep);
    } catch (e) {
      expect((e as WireError).reason).toBe("too_deep");
    }
  });

  test("invalid type byte 0xc1 and non-string map keys", () => {
    expect(() => decodeMsgpack(hx("c1"))).toThrow(WireError);
    expect(() => decodeMsgpack(hx("81 c3 01"))).toThrow(WireError);
  });

  test("uint64 beyond 2^53 is refused", () => {
    expect(() => decodeMsgpack(hx("cf ffffffffffffffff"))).toThrow(WireError);
  });

  test("reader reports its end offset so streams can continue", () => {
    const r = new MsgpackReader(hx(`81 a1"x" 05 07`));
    r.read();
    expect(r.pos).toBe(4);
    expect(r.read()).toBe(7);
  });
});
