import { MsgpackReader, type MsgValue } from "../membership/wire/msgpack-reader.ts";
import { MsgpackWriter } from "../membership/wire/msgpack-writer.ts";
import { describeError } from "../platform/errors.ts";
import { assertNever } from "../platform/assert-never.ts";
import { probeFields, readChecks, readProbe, readTransitions, writeCheck, writeList, writeTransition } from "./probe-list-wire.ts";
import { Fields, MessageError } from "./probe-sync-fields.ts";
import {
  PROBE_SYNC_LIMITS as L,
  SATELLITE_MESSAGE_TYPE as T,
  type DetailedProbe,
  type MetricDetail,
  type PeerDetail,
  type SatelliteMessage,
} from "./probe-sync-messages.ts";

/**
 * The bytes of Satellite's messages: the type byte, then one msgpack map with one-letter keys
 * (sorted, as the writer wants them). Decoding checks every field against PROBE_SYNC_LIMITS
 * and throws MessageError on anything else; a reader ignores keys it does not know.
 */
const U32 = 0xffffffff;
const MAX_SAFE = Number.MAX_SAFE_INTEGER;

export function encodeSatelliteMessage(msg: SatelliteMessage): Uint8Array {
  const w = new MsgpackWriter(256);
  switch (msg.type) {
    case "probeDelta":
      w.byte(T.probeDelta).struct([
        ["C", (x) => writeList(x, msg.checks, writeCheck)],
        ["E", (x) => x.uint(msg.epoch)],
        ["K", (x) => x.uint(msg.parts)],
        ["T", (x) => writeList(x, msg.transitions, writeTransition)],
        ["b", (x) => x.uint(msg.base)],
        ["h", (x) => x.uint(msg.hash)],
        ["k", (x) => x.uint(msg.part)],
        ["o", (x) => x.str(msg.owner)],
        ["q", (x) => x.uint(msg.seq)],
      ]);
      break;
    case "probeListRequest":
      w.byte(T.probeListRequest).struct([
        ["E", (x) => x.uint(msg.epoch)],
        ["c", (x) => x.uint(msg.covered)],
        ["h", (x) => x.uint(msg.hash)],
        ["o", (x) => x.str(msg.owner)],
      ]);
      break;
    case "probeListReply": {
      const checks = msg.checks;
      w.byte(T.probeListReply).struct([
        ["C", checks ? (x) => writeList(x, checks, writeCheck) : undefined],
        ["E", (x) => x.uint(msg.epoch)],
        ["T", (x) => writeList(x, msg.transitions, writeTransition)],
        ["h", (x) => x.uint(msg.hash)],
        ["o", (x) => x.str(msg.owner)],
        ["q", (x) => x.uint(msg.seq)],
      ]);
      break;
    }
    case "nodeDetailsRequest":
      w.byte(T.nodeDetailsRequest).struct([["o", (x) => x.str(msg.owner)]]);
      break;
    case "nodeDetailsReply":
      w.byte(T.nodeDetailsReply).struct([
        ["M", (x) => writeList(x, msg.metrics, writeMetric)],
        ["P", (x) => writeList(x, msg.probes, writeDetailedProbe)],
        ["R", (x) => writeList(x, msg.peers, writePeer)],
        ["o", (x) => x.str(msg.owner)],
      ]);
      break;
    default:
      assertNever(msg, "satellite message");
  }
  return w.bytes();
}

/** Throws MessageError when the bytes are not one valid Satellite message within the limits. */
export function decodeSatelliteMessage(payload: Uint8Array): SatelliteMessage {
  if (payload.length > L.pieceBytesMax) throw new MessageError(`message of ${payload.length} bytes, more than ${L.pieceBytesMax}`);
  let body: MsgValue;
  try {
    const reader = new MsgpackReader(payload, 1, 8);
    body = reader.read();
    if (reader.remaining !== 0) throw new MessageError(`${reader.remaining} trailing bytes`);
  } catch (error) {
    if (error instanceof MessageError) throw error;
    throw new MessageError(`not msgpack: ${describeError(error)}`);
  }
  const type = payload[0];
  switch (type) {
    case T.probeDelta: {
      const f = Fields.of(body, "probeDelta");
      const parts = f.uint("K", L.deltaPartsMax);
      const base = f.uint("b", U32);
      const seq = f.uint("q", U32);
      if (base >= seq) throw new MessageError("probeDelta: base must be below seq");
      const part = f.uint("k", Math.max(0, parts - 1));
      return { type: "probeDelta", owner: nodeName(f), epoch: epoch(f), base, seq, hash: f.uint("h", U32), part, parts, checks: readChecks(f), transitions: readTransitions(f) };
    }
    case T.probeListRequest: {
      const f = Fields.of(body, "probeListRequest");
      return { type: "probeListRequest", owner: nodeName(f), epoch: f.uint("E", MAX_SAFE, 0), covered: f.uint("c", U32, 0), hash: f.uint("h", U32, 0) };
    }
    case T.probeListReply: {
      const f = Fields.of(body, "probeListReply");
      return {
        type: "probeListReply",
        owner: nodeName(f),
        epoch: epoch(f),
        seq: f.uint("q", U32),
        hash: f.uint("h", U32),
        checks: f.has("C") ? readChecks(f) : undefined,
        transitions: readTransitions(f),
      };
    }
    case T.nodeDetailsRequest:
      return { type: "nodeDetailsRequest", owner: nodeName(Fields.of(body, "nodeDetailsRequest")) };
    case T.nodeDetailsReply: {
      const f = Fields.of(body, "nodeDetailsReply");
      return {
        type: "nodeDetailsReply",
        owner: nodeName(f),
        probes: f.list("P", L.probesMax * 4).map((v) => readDetailedProbe(Fields.of(v, "nodeDetailsReply.P"))),
        peers: f.list("R", L.detailPeersMax).map((v) => readPeer(Fields.of(v, "nodeDetailsReply.R"))),
        metrics: f.list("M", L.detailMetricsMax).map((v) => readMetric(Fields.of(v, "nodeDetailsReply.M"))),
      };
    }
    default:
      throw new MessageError(`unknown Satellite message type 0x${(type ?? 0).toString(16)}`);
  }
}

function writeDetailedProbe(w: MsgpackWriter, p: DetailedProbe): void {
  const fields = probeFields(p);
  // "n" sorts between "e" and "s".
  fields.splice(3, 0, ["n", (y) => y.str(p.checker)]);
  w.struct(fields);
}

function writePeer(w: MsgpackWriter, p: PeerDetail): void {
  w.struct([
    ["k", (x) => x.uint(p.rttSamples)],
    ["l", p.lossPercent !== undefined ? (x) => x.float64(p.lossPercent as number) : undefined],
    ["m", p.p50RttMs !== undefined ? (x) => x.float64(p.p50RttMs as number) : undefined],
    ["n", (x) => x.str(p.name)],
    ["o", p.clockOffsetMs !== undefined ? (x) => x.float64(p.clockOffsetMs as number) : undefined],
    ["r", p.p95RttMs !== undefined ? (x) => x.float64(p.p95RttMs as number) : undefined],
  ]);
}

function writeMetric(w: MsgpackWriter, m: MetricDetail): void {
  w.struct([
    ["n", (x) => x.str(m.name)],
    ["p", (x) => x.str(m.probe)],
    ["v", (x) => x.float64(m.value)],
  ]);
}

function nodeName(f: Fields): string {
  return f.name("o", L.nodeNameBytesMax);
}

function epoch(f: Fields): number {
  const value = f.uint("E", MAX_SAFE);
  if (value === 0) throw new MessageError("epoch 0 is not an owner's epoch");
  return value;
}

function readDetailedProbe(f: Fields): DetailedProbe {
  return { checker: f.name("n", L.checkNameBytesMax), ...readProbe(f, L.pieceBytesMax) };
}

function readPeer(f: Fields): PeerDetail {
  const peer: PeerDetail = { name: f.name("n", L.nodeNameBytesMax), rttSamples: f.uint("k", 1_000_000) };
  const p50 = f.finite("m");
  const p95 = f.finite("r");
  const loss = f.finite("l");
  const offset = f.finite("o");
  if (p50 !== undefined) peer.p50RttMs = p50;
  if (p95 !== undefined) peer.p95RttMs = p95;
  if (loss !== undefined) {
    if (loss < 0 || loss > 100) throw new MessageError("peer loss outside 0..100");
    peer.lossPercent = loss;
  }
  if (offset !== undefined) peer.clockOffsetMs = offset;
  return peer;
}

function readMetric(f: Fields): MetricDetail {
  return { probe: f.name("p", L.checkNameBytesMax), name: f.name("n", L.metricNameBytesMax), value: f.finite("v") ?? 0 };
}
