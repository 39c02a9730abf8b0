import { describe, expect, test } from "bun:test";
import {
  decodeAckPayload,
  decodeSerfMessage,
  decodeTags,
  encodeAckPayload,
  encodeSerfMessage,
  encodeTags,
  type SerfMessage,
  zeroCoordinate,
} from "../../src/cluster/serf-wire.ts";
import { SatelliteError } from "../../src/platform/errors.ts";
import { WireError } from "../../src/membership/wire/index.ts";
import { hx, toHex } from "./hex.ts";

const samples: SerfMessage[] = [
  { type: "leave", ltime: 5, node: "a", prune: true },
  { type: "join", ltime: 300, node: "b" },
  {
    type: "pushPull",
    ltime: 9,
    statusLTimes: new Map([["a", 1], ["b", 70000]]),
    leftMembers: ["c"],
    eventLTime: 3,
    events: [{ ltime: 2, events: [{ name: "deploy", payload: Uint8Array.from([1, 2]) }] }],
    queryLTime: 4,
  },
  { type: "userEvent", ltime: 12, name: "deploy", payload: new TextEncoder().encode("v1"), cc: true },
  {
    type: "query",
    ltime: 1,
    id: 0xdeadbeef,
    addr: "127.0.0.1",
    port: 7946,
    sourceNode: "a",
    filters: [Uint8Array.from([0, 0x91, 0xa1, 0x61])],
    flags: 1,
    relayFactor: 0,
    timeoutNs: 5_000_000_000,
    name: "_serf_ping",
    payload: new Uint8Array(0),
  },
  { type: "queryResponse", ltime: 1, id: 7, from: "b", flags: 1, payload: Uint8Array.from([9]) },
  { type: "relay", destAddr: "10.0.0.2", destPort: 7946, destName: "x", message: Uint8Array.from([5, 0x80]) },
  { type: "other", serfType: 7, body: Uint8Array.from([0x80]) },
];

describe("serf message codec", () => {
  test("round trips every message", () => {
    for (const m of samples) expect(decodeSerfMessage(encodeSerfMessage(m))).toEqual(m);
  });

  test("join and leave bytes: type byte + sorted Go fields", () => {
    expect(toHex(encodeSerfMessage({ type: "join", ltime: 1, node: "n" }))).toBe(toHex(hx(`01 82 a5"LTime" 01 a4"Node" a1"n"`)));
    expect(toHex(encodeSerfMessage({ type: "leave", ltime: 1, node: "n", prune: false }))).toBe(
      toHex(hx(`00 83 a5"LTime" 01 a4"Node" a1"n" a5"Prune" c2`)),
    );
  });

  test("decodes the push/pull user state serf 0.9.4 sends (512 nil event slots)", () => {
    const wire = hx(`02 86 aa"EventLTime" 01 a6"Events" dc0200 ${"c0 ".repeat(512)} a5"LTime" 01 ab"LeftMembers" 90
      aa"QueryLTime" 01 ac"StatusLTimes" 81 a2"s1" 00`);
    expect(decodeSerfMessage(wire)).toEqual({
      type: "pushPull",
      ltime: 1,
      statusLTimes: new Map([["s1", 0]]),
      leftMembers: [],
      eventLTime: 1,
      events: [],
      queryLTime: 1,
    });
  });

  test("malformed serf messages are WIRE_MALFORMED", () => {
    for (const b of [new Uint8Array(0), hx(`01 81 a5"LTime" a1"x"`), hx(`02 81 ac"StatusLTimes" 81 a1"a" c3`), hx(`03 85`)]) {
      expect(() => decodeSerfMessage(b)).toThrow(WireError);
    }
  });
});

describe("serf tags meta", () => {
  test("REFERENCE.md example bytes", () => {
    expect(toHex(encodeTags({ role: "ts", dc: "lab" }))).toBe(toHex(hx(`ff 82 a4"role" a2"ts" a2"dc" a3"lab"`)));
    expect({ ...decodeTags(hx(`ff 82 a4"role" a2"ts" a2"dc" a3"lab"`)) }).toEqual({ role: "ts", dc: "lab" });
  });

  test("meta without the magic byte is the legacy role string; empty tags are ff 80", () => {
    expect({ ...decodeTags(new TextEncoder().encode("web")) }).toEqual({ role: "web" });
    expect(toHex(encodeTags({}))).toBe("ff 80");
  });

  test("more than 512 bytes is a clear error", () => {
    let err: unknown;
    try {
      encodeTags({ big: "x".repeat(600) });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SatelliteError);
    expect((err as SatelliteError).code).toBe("SERF_TAGS_TOO_LARGE");
    expect(encodeTags({ k: "x".repeat(500) }).length).toBeLessThanOrEqual(512);
  });
});

describe("ack payload coordinate", () => {
  test("zero coordinate encodes exactly as serf 0.9.4's fresh coordinate", () => {
    const serf = hx(`01 84 aa"Adjustment" cb0000000000000000 a5"Error" cb3ff8000000000000 a6"Height" cb3ee4f8b588e368f1
      a3"Vec" 98 ${"cb0000000000000000 ".repeat(8)}`);
    expect(toHex(encodeAckPayload(zeroCoordinate()))).toBe(toHex(serf));
    expect(decodeAckPayload(serf)).toEqual(zeroCoordinate());
  });

  test("empty payload is ignored; wrong version and non-finite values are errors", () => {
    expect(decodeAckPayload(new Uint8Array(0))).toBeUndefined();
    expect(() => decodeAckPayload(Uint8Array.from([2, 0x80]))).toThrow(WireError);
    const nan = encodeAckPayload({ vec: [Number.NaN], error: 1, adjustment: 0, height: 0 });
    expect(() => decodeAckPayload(nan)).toThrow(WireError);
  });
});
