import { MsgpackReader, type MsgValue } from "../membership/wire/msgpack-reader.ts";
import { MsgpackWriter } from "../membership/wire/msgpack-writer.ts";
import { describeError } from "../platform/errors.ts";
import type { ProbeStatus } from "../events/health-state.ts";
import { assertNever } from "../platform/assert-never.ts";
import { Fields, MessageError } from "./probe-sync-fields.ts";
import {
  PROBE_SYNC_LIMITS as L,
  SATELLITE_MESSAGE_TYPE as T,
  type DetailedProbe,
  type MetricDetail,
  type PeerDetail,
  type SatelliteMessage,
  type SharedCheck,
  type SharedProbe,
  type SharedTransition,
} from "./probe-sync-messages.ts";

/**
 * The bytes of Satellite's messages: the type byte, then one msgpack map with one-letter keys
 * (sorted, as the writer wants them). Decoding checks every field against PROBE_SYNC_LIMITS
 * and throws MessageError on anything else; a reader ignores keys it does not know.
 */
const STATUS_CODE: Record<ProbeStatus, number> = { running: 0, failed: 1, terminated: 2 };
const CODE_STATUS: readonly ProbeStatus[] = ["running", "failed", "terminated"];
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

function writeList<V>(w: MsgpackWriter, items: readonly V[], write: (w: MsgpackWriter, item: V) => void): void {
  w.arrayHeader(items.length);
  for (const item of items) write(w, item);
}

/** The fields of a shared probe, sorted: c d e s w x. */
function probeFields(p: SharedProbe): [string, ((w: MsgpackWriter) => void) | undefined][] {
  return [
    ["c", p.code ? (x) => x.str(p.code as string) : undefined],
    ["d", p.detail ? (x) => x.str(p.detail as string) : undefined],
    ["e", p.error ? (x) => x.str(p.error as string) : undefined],
    ["s", (x) => x.uint(STATUS_CODE[p.status])],
    ["w", p.severity === "warning" ? (x) => x.bool(true) : undefined],
    ["x", p.checkerData ? (x) => x.str(p.checkerData as string) : undefined],
  ];
}

/** A check without its seq: what the list hash covers. */
export function writeCheckContent(w: MsgpackWriter, c: Omit<SharedCheck, "seq">): void {
  w.struct([
    ["i", (x) => x.uint(c.position)],
    ["n", (x) => x.str(c.name)],
    ["p", (x) => writeList(x, c.probes, (y, p) => y.struct(probeFields(p)))],
  ]);
}

function writeCheck(w: MsgpackWriter, c: SharedCheck): void {
  w.struct([
    ["i", (x) => x.uint(c.position)],
    ["n", (x) => x.str(c.name)],
    ["p", (x) => writeList(x, c.probes, (y, p) => y.struct(probeFields(p)))],
    ["q", (x) => x.uint(c.seq)],
  ]);
}

function writeTransition(w: MsgpackWriter, t: SharedTransition): void {
  w.struct([
    ["e", t.error ? (x) => x.str(t.error as string) : undefined],
    ["f", (x) => x.bool(t.failed)],
    ["n", (x) => x.str(t.probe)],
    ["q", (x) => x.uint(t.seq)],
    ["t", (x) => x.float64(t.tsMs)],
    ["w", t.severity === "warning" ? (x) => x.bool(true) : undefined],
  ]);
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

function readProbe(f: Fields, textMax: number): SharedProbe {
  const probe: SharedProbe = { status: CODE_STATUS[f.uint("s", CODE_STATUS.length - 1)] as ProbeStatus };
  if (f.bool("w")) probe.severity = "warning";
  const code = f.text("c", L.codeBytesMax);
  const error = f.text("e", textMax);
  const detail = f.text("d", textMax);
  const checkerData = f.text("x", textMax);
  if (code !== undefined) probe.code = code;
  if (error !== undefined) probe.error = error;
  if (detail !== undefined) probe.detail = detail;
  if (checkerData !== undefined) {
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(checkerData)) throw new MessageError("checker data is not base64");
    probe.checkerData = checkerData;
  }
  return probe;
}

function readChecks(f: Fields): SharedCheck[] {
  const names = new Set<string>();
  let probes = 0;
  return f.list("C", L.checksMax).map((value) => {
    const c = Fields.of(value, "check");
    const name = c.name("n", L.checkNameBytesMax);
    if (names.has(name)) throw new MessageError(`check ${JSON.stringify(name)} listed twice`);
    names.add(name);
    const list = c.list("p", L.probesMax).map((v) => {
      const probe = readProbe(Fields.of(v, "probe"), L.probeTextBytesMax);
      if (probeTextBytes(probe) > L.probeTextBytesMax) throw new MessageError(`probe text of check ${JSON.stringify(name)} over ${L.probeTextBytesMax} bytes`);
      return probe;
    });
    probes += list.length;
    if (probes > L.probesMax) throw new MessageError(`more than ${L.probesMax} probes`);
    return { name, position: c.uint("i", L.checksMax - 1), seq: c.uint("q", U32), probes: list };
  });
}

/** error + detail + code + checker_data of a probe, in UTF-8 bytes. */
export function probeTextBytes(p: SharedProbe): number {
  let bytes = 0;
  for (const text of [p.code, p.error, p.detail, p.checkerData]) if (text) bytes += Buffer.byteLength(text);
  return bytes;
}

function readTransitions(f: Fields): SharedTransition[] {
  return f.list("T", L.transitionsMax).map((value) => {
    const t = Fields.of(value, "transition");
    const tsMs = t.finite("t");
    if (tsMs === undefined || tsMs < 0 || tsMs > MAX_SAFE) throw new MessageError("transition time missing or outside 0..2^53");
    const transition: SharedTransition = {
      seq: t.uint("q", U32),
      tsMs,
      probe: t.name("n", L.checkNameBytesMax),
      failed: t.bool("f"),
      severity: t.bool("w") ? "warning" : "critical",
    };
    const error = t.text("e", L.transitionErrorBytesMax);
    if (error !== undefined) transition.error = error;
    return transition;
  });
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
