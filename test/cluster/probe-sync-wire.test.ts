import { describe, expect, test } from "bun:test";
import { MsgpackWriter } from "../../src/membership/wire/msgpack-writer.ts";
import { isSatelliteMessage, PROBE_SYNC_LIMITS as L, SATELLITE_MESSAGE_TYPE, type SatelliteMessage, type SharedCheck } from "../../src/cluster/probe-sync-messages.ts";
import { decodeSatelliteMessage, encodeSatelliteMessage } from "../../src/cluster/probe-sync-wire.ts";

const check = (name: string, seq: number, error?: string): SharedCheck => ({
  name,
  position: 0,
  seq,
  probes: [{ status: error ? "failed" : "running", ...(error ? { error } : {}) }],
});

const delta = (over: Partial<Extract<SatelliteMessage, { type: "probeDelta" }>> = {}): SatelliteMessage => ({
  type: "probeDelta",
  owner: "node-1",
  epoch: 1_767_225_600_000,
  base: 4,
  seq: 6,
  hash: 0xdeadbeef,
  part: 0,
  parts: 1,
  checks: [check("disk", 5, "disk /data is 97% full")],
  transitions: [{ seq: 6, tsMs: 1_767_225_601_234.5, probe: "disk", failed: true, severity: "warning", error: "disk /data is 97% full" }],
  ...over,
});

/** A message with the given type byte and body, built by hand as a hostile peer would. */
function raw(type: number, fields: Record<string, (w: MsgpackWriter) => void>): Uint8Array {
  const w = new MsgpackWriter().byte(type);
  const keys = Object.keys(fields).sort();
  w.mapHeader(keys.length);
  for (const key of keys) (fields[key] as (w: MsgpackWriter) => void)(w.key(key));
  return w.bytes();
}

describe("Satellite messages on the wire", () => {
  test("every message round-trips", () => {
    const messages: SatelliteMessage[] = [
      delta(),
      delta({ parts: 0, checks: [], transitions: [] }),
      { type: "probeListRequest", owner: "node-1", epoch: 0, covered: 0, hash: 0 },
      { type: "probeListReply", owner: "node-1", epoch: 7, seq: 9, hash: 3, transitions: [] },
      { type: "probeListReply", owner: "node-1", epoch: 7, seq: 9, hash: 3, checks: [{ ...check("a", 1), probes: [{ status: "failed", severity: "warning", code: "E1", detail: "d", checkerData: "eyJhIjoxfQ==" }] }], transitions: [] },
      { type: "nodeDetailsRequest", owner: "node-2" },
      {
        type: "nodeDetailsReply",
        owner: "node-2",
        probes: [{ checker: "disk", status: "failed", error: "x".repeat(5000), checkerData: "eyJ1c2VkIjo5N30=" }],
        peers: [{ name: "node-3", rttSamples: 20, p50RttMs: 0.75, p95RttMs: 1.5, lossPercent: 5, clockOffsetMs: -12.25 }, { name: "node-4", rttSamples: 0 }],
        metrics: [{ probe: "disk", name: "usedPercent", value: 97.5 }],
      },
    ];
    for (const msg of messages) {
      const bytes = encodeSatelliteMessage(msg);
      expect(isSatelliteMessage(bytes)).toBe(true);
      expect(decodeSatelliteMessage(bytes)).toEqual(msg);
    }
  });

  test("serf's message types are not Satellite's", () => {
    for (let t = 0; t <= 12; t++) expect(isSatelliteMessage(new Uint8Array([t, 0x80]))).toBe(false);
    expect(isSatelliteMessage(new Uint8Array())).toBe(false);
    expect(isSatelliteMessage(new Uint8Array([SATELLITE_MESSAGE_TYPE.probeDelta]))).toBe(true);
  });

  const D = SATELLITE_MESSAGE_TYPE.probeDelta;
  const head = { o: (w: MsgpackWriter) => w.str("n1"), E: (w: MsgpackWriter) => w.uint(5), b: (w: MsgpackWriter) => w.uint(0), q: (w: MsgpackWriter) => w.uint(1), h: (w: MsgpackWriter) => w.uint(1), k: (w: MsgpackWriter) => w.uint(0), K: (w: MsgpackWriter) => w.uint(1) };
  const checks = (...items: ((w: MsgpackWriter) => void)[]) => (w: MsgpackWriter) => {
    w.arrayHeader(items.length);
    for (const item of items) item(w);
  };
  const entry = (name: string, probe: (w: MsgpackWriter) => void = (w) => w.mapHeader(1).key("s").uint(0)) => (w: MsgpackWriter) => {
    w.mapHeader(4).key("i").uint(0).key("n").str(name).key("p").arrayHeader(1);
    probe(w);
    w.key("q").uint(1);
  };
  const cases: [string, Uint8Array, RegExp][] = [
    ["an unknown type", raw(0xdf, head), /unknown Satellite message type/],
    ["trailing bytes", new Uint8Array([...raw(D, head), 0x00]), /trailing/],
    ["not msgpack", new Uint8Array([D, 0xc1]), /not msgpack/],
    ["a missing owner", raw(D, { ...head, o: (w) => w.nil() }), /\.o: missing/],
    ["an owner with a control character", raw(D, { ...head, o: (w) => w.str("n\u0007") }), /control characters/],
    ["an owner name too long", raw(D, { ...head, o: (w) => w.str("n".repeat(L.nodeNameBytesMax + 1)) }), /more than 512/],
    ["epoch 0", raw(D, { ...head, E: (w) => w.uint(0) }), /epoch 0/],
    ["a negative seq", raw(D, { ...head, q: (w) => w.int(-1) }), /within 0\.\.4294967295/],
    ["a seq beyond u32", raw(D, { ...head, q: (w) => w.uint(2 ** 32) }), /within 0\.\.4294967295/],
    ["base not below seq", raw(D, { ...head, b: (w) => w.uint(1) }), /base must be below seq/],
    ["too many parts", raw(D, { ...head, K: (w) => w.uint(L.deltaPartsMax + 1) }), /K: expected an integer within 0\.\.8/],
    ["a part beyond the parts", raw(D, { ...head, K: (w) => w.uint(2), k: (w) => w.uint(2) }), /k: expected an integer within 0\.\.1/],
    ["too many checks", raw(D, { ...head, C: checks(...Array.from({ length: L.checksMax + 1 }, (_, i) => entry(`c${i}`))) }), /65 items, more than 64/],
    ["a check listed twice", raw(D, { ...head, C: checks(entry("disk"), entry("disk")) }), /listed twice/],
    ["a bad probe status", raw(D, { ...head, C: checks(entry("disk", (w) => w.mapHeader(1).key("s").uint(3))) }), /s: expected an integer within 0\.\.2/],
    ["probe text over the bound", raw(D, { ...head, C: checks(entry("disk", (w) => w.mapHeader(2).key("s").uint(1).key("e").str("e".repeat(L.probeTextBytesMax + 1)))) }), /more than 512/],
    [
      "probe text over the bound in total",
      raw(D, { ...head, C: checks(entry("disk", (w) => w.mapHeader(3).key("s").uint(1).key("e").str("e".repeat(300)).key("d").str("d".repeat(300)))) }),
      /over 512 bytes/,
    ],
    ["checker data that is not base64", raw(D, { ...head, C: checks(entry("disk", (w) => w.mapHeader(2).key("s").uint(0).key("x").str("{not base64}"))) }), /not base64/],
    ["an error with an escape sequence", raw(D, { ...head, C: checks(entry("disk", (w) => w.mapHeader(2).key("s").uint(1).key("e").str("\u001b[31mred"))) }), /control characters/],
    ["invalid UTF-8", raw(D, { ...head, C: checks(entry("disk", (w) => w.mapHeader(2).key("s").uint(1).key("e").bin(new Uint8Array([0xff, 0xfe])))) }), /not valid UTF-8/],
    ["a transition time that is not a number", raw(D, { ...head, T: checks((w) => w.mapHeader(3).key("n").str("disk").key("q").uint(1).key("t").str("now")) }), /finite number/],
    ["too many transitions", raw(D, { ...head, T: checks(...Array.from({ length: L.transitionsMax + 1 }, () => (w: MsgpackWriter) => w.mapHeader(3).key("n").str("disk").key("q").uint(1).key("t").uint(5))) }), /33 items, more than 32/],
    ["a message over the piece bound", new Uint8Array(L.pieceBytesMax + 1).fill(D, 0, 1), /more than 65536/],
  ];
  for (const [what, bytes, error] of cases) {
    test(`refused: ${what}`, () => {
      expect(() => decodeSatelliteMessage(bytes)).toThrow(error);
    });
  }
});
