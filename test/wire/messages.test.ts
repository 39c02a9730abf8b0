import { describe, expect, test } from "bun:test";
import type { GossipMessage } from "../../src/membership/messages.ts";
import { decodeMessage, encodeMessage, MessageType, WireError } from "../../src/membership/wire/index.ts";
import { hx, toHex } from "./hex.ts";
import { sampleMessages, vsn } from "./samples.ts";

describe("memberlist message codec", () => {
  test("ack golden bytes from REFERENCE.md decode", () => {
    expect(decodeMessage(hx(`02 82 a5"SeqNo" 07 a7"Payload" c0`))).toEqual({ type: "ack", seqNo: 7, payload: new Uint8Array(0) });
  });

  test("ack encodes byte-identical to serf 0.9.4's (fields in Go's sorted order)", () => {
    // Captured from the Debian serf binary answering a ping with seqNo 5 (after LZW decompression).
    const serfAck = hx(`02 82 a7"Payload" da0082 01 84 aa"Adjustment" cb0000000000000000 a5"Error" cb3ff8000000000000
      a6"Height" cb3ee4f8b588e368f1 a3"Vec" 98 ${"cb0000000000000000 ".repeat(8)} a5"SeqNo" 05`);
    const m = decodeMessage(serfAck);
    expect(m.type).toBe("ack");
    expect(toHex(encodeMessage(m))).toBe(toHex(serfAck));
    expect(toHex(encodeMessage({ type: "ack", seqNo: 7, payload: new Uint8Array(0) }))).toBe(toHex(hx(`02 82 a7"Payload" c0 a5"SeqNo" 07`)));
  });

  test("alive: sorted fields, raw Addr, Vsn as raw bytes", () => {
    const bytes = encodeMessage(sampleMessages[10] as GossipMessage);
    const expected = hx(`04 86 a4"Addr" a4 c0a80114 ab"Incarnation" 01 a4"Meta" b1 ff82a4"role"a2"ts"a2"dc"a3"lab"
      a4"Node" a2"n1" a4"Port" cd1f0a a3"Vsn" a6 010502020505`);
    expect(toHex(bytes)).toBe(toHex(expected));
  });

  test("ping omits empty Source fields (omitempty)", () => {
    expect(toHex(encodeMessage({ type: "ping", seqNo: 1, node: "s1" }))).toBe(toHex(hx(`00 82 a4"Node" a2"s1" a5"SeqNo" 01`)));
  });

  test("ping with source fields matches a real memberlist ping byte for byte", () => {
    const wire = hx(`00 85 a4"Node" ac"1ee8d1c25449" a5"SeqNo" cd024f aa"SourceAddr" a4 0a640202
      aa"SourceNode" ac"4767a22c88a8" aa"SourcePort" cd206d`);
    expect(toHex(encodeMessage(decodeMessage(wire)))).toBe(toHex(wire));
  });

  test("decodes a ping as sent by a real memberlist (alphabetical keys, cd SeqNo)", () => {
    const wire = hx(`00 85 a4"Node" ac"1ee8d1c25449" a5"SeqNo" cd024f aa"SourceAddr" a4 0a640202
      aa"SourceNode" ac"4767a22c88a8" aa"SourcePort" cd206d`);
    expect(decodeMessage(wire)).toEqual({
      type: "ping",
      seqNo: 0x24f,
      node: "1ee8d1c25449",
      sourceAddr: "10.100.2.2",
      sourceNode: "4767a22c88a8",
      sourcePort: 0x206d,
    });
  });

  test("every message round-trips", () => {
    for (const m of sampleMessages) expect(decodeMessage(encodeMessage(m))).toEqual(m);
  });

  test("missing fields read as Go zero values, unknown fields are ignored", () => {
    expect(decodeMessage(hx(`02 81 a3"Foo" 01`))).toEqual({ type: "ack", seqNo: 0, payload: new Uint8Array(0) });
  });

  test("Vsn as an array of ints and IPv4-mapped IPv6 addresses are accepted", () => {
    const wire = hx(`04 83 a4"Node" a1"x" a4"Addr" b0 00000000000000000000ffff0a000001 a3"Vsn" 96 01 05 02 02 05 05`);
    const m = decodeMessage(wire);
    expect(m).toMatchObject({ type: "alive", node: "x", addr: "10.0.0.1", vsn });
  });

  test("wrong kinds and bad lengths are WIRE_MALFORMED", () => {
    const bad = [
      hx(`02 81 a5"SeqNo" a1"x"`),
      hx(`02 81 a5"SeqNo" ff`),
      hx(`04 81 a4"Addr" a3 010203`),
      hx(`04 81 a3"Vsn" a2 0102`),
      hx(`02 85 a5"SeqNo"`),
      hx(`02`),
      new Uint8Array(0),
      Uint8Array.from([99, 0x80]),
    ];
    for (const b of bad) {
      let caught: unknown;
      try {
        decodeMessage(b);
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(WireError);
      expect((caught as WireError).code).toBe("WIRE_MALFORMED");
    }
  });

  test("pushPull is not a packet message", () => {
    expect(() => encodeMessage({ type: "pushPull", join: false, nodes: [], userState: new Uint8Array(0) })).toThrow(WireError);
    expect(MessageType.pushPull).toBe(6);
  });
});
