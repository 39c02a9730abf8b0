import type {
  AliveMessage,
  GossipMessage,
  IndirectPingMessage,
  PingMessage,
  PushNodeState,
  VersionVector,
} from "../messages.ts";
import { NodeStateCode } from "../messages.ts";
import {
  asStruct,
  fieldBool,
  fieldBytes,
  fieldString,
  fieldUint,
} from "./go-fields.ts";
import { bytesToIp, ipToBytes } from "./ip.ts";
import { MessageType } from "./message-type.ts";
import { MsgpackReader, type MsgMap } from "./msgpack-reader.ts";
import { MsgpackWriter, type StructField } from "./msgpack-writer.ts";
import { WireError } from "./wire-error.ts";
import { assertNever } from "../../platform/assert-never.ts";

/**
 * One memberlist message <-> `[type byte][msgpack body]` as sent in packets (user messages
 * are `[8][raw payload]`). Push/pull and the stream form of user messages live in
 * stream-codec.ts. Keys are written in Go's sorted field order, omitempty where Go has it.
 */
const U32 = 0xffffffff;
const U16 = 0xffff;

/** Reused by encodeMessage, which is synchronous and never nested: saves two allocations per message. */
const scratchWriter = new MsgpackWriter(2048);

export function encodeMessage(msg: GossipMessage): Uint8Array {
  try {
    writeMessage(scratchWriter.reset(), msg);
    return scratchWriter.bytes();
  } finally {
    scratchWriter.reset();
  }
}

export function writeMessage(w: MsgpackWriter, msg: GossipMessage): void {
  switch (msg.type) {
    case "ping":
      w.byte(MessageType.ping).struct([["Node", (x) => x.str(msg.node)], ["SeqNo", (x) => x.uint(msg.seqNo)], ...sourceFields(msg)]);
      return;
    case "indirectPing":
      w.byte(MessageType.indirectPing).struct([
        ["Nack", (x) => x.bool(msg.nack)],
        ["Node", (x) => x.str(msg.node)],
        ["Port", (x) => x.uint(msg.targetPort)],
        ["SeqNo", (x) => x.uint(msg.seqNo)],
        ...sourceFields(msg),
        ["Target", (x) => x.bin(ipToBytes(msg.targetAddr))],
      ]);
      return;
    case "ack":
      w.byte(MessageType.ack).struct([["Payload", (x) => x.binOrNil(msg.payload)], ["SeqNo", (x) => x.uint(msg.seqNo)]]);
      return;
    case "nack":
      w.byte(MessageType.nack).struct([["SeqNo", (x) => x.uint(msg.seqNo)]]);
      return;
    case "err":
      w.byte(MessageType.err).struct([["Error", (x) => x.str(msg.error)]]);
      return;
    case "suspect":
    case "dead":
      w.byte(msg.type === "suspect" ? MessageType.suspect : MessageType.dead).struct([
        ["From", (x) => x.str(msg.from)],
        ["Incarnation", (x) => x.uint(u32(msg.incarnation, "incarnation"))],
        ["Node", (x) => x.str(msg.node)],
      ]);
      return;
    case "alive":
      w.byte(MessageType.alive).struct([
        ["Addr", (x) => x.bin(ipToBytes(msg.addr))],
        ["Incarnation", (x) => x.uint(u32(msg.incarnation, "incarnation"))],
        ["Meta", (x) => x.binOrNil(msg.meta)],
        ["Node", (x) => x.str(msg.node)],
        ["Port", (x) => x.uint(msg.port)],
        ["Vsn", (x) => x.bin(Uint8Array.from(msg.vsn))],
      ]);
      return;
    case "user":
      w.byte(MessageType.user).raw(msg.payload);
      return;
    case "pushPull":
      throw new WireError("pushPull only travels over streams (use encodeStreamBody)", "unknown_type");
    default:
      assertNever(msg, "gossip message");
  }
}

/**
 * Go's uint32 fields: a larger value would be dropped as malformed by every receiver, so it is
 * refused here, at the sender, where the bug is.
 */
function u32(v: number, what: string): number {
  if (v > U32) throw new RangeError(`${what} ${v} does not fit the wire's uint32`);
  return v;
}

/** SourceAddr/SourcePort/SourceNode are omitempty in Go. */
function sourceFields(m: Pick<PingMessage, "sourceAddr" | "sourcePort" | "sourceNode">): StructField[] {
  const addr = m.sourceAddr;
  const port = m.sourcePort;
  const node = m.sourceNode;
  return [
    ["SourceAddr", addr ? (x) => x.bin(ipToBytes(addr)) : undefined],
    ["SourceNode", node ? (x) => x.str(node) : undefined],
    ["SourcePort", port ? (x) => x.uint(port) : undefined],
  ];
}

/** Hot path (push/pull carries one per member): fields written directly in Go's sorted order. */
export function writePushNodeState(w: MsgpackWriter, n: PushNodeState): void {
  w.mapHeader(7);
  w.key("Addr").bin(ipToBytes(n.addr));
  w.key("Incarnation").uint(u32(n.incarnation, "incarnation"));
  w.key("Meta").binOrNil(n.meta);
  w.key("Name").str(n.name);
  w.key("Port").uint(n.port);
  w.key("State").uint(n.state);
  w.key("Vsn").bin(Uint8Array.from(n.vsn));
}

/**
 * Decodes one packet-form message (everything but compound/compress/crc wrappers, which the
 * packet pipeline unwraps). Trailing bytes after the body are ignored, as Go does.
 */
export function decodeMessage(buf: Uint8Array): GossipMessage {
  if (buf.length < 1) throw new WireError("empty message: missing the type byte");
  const t = buf[0] as number;
  if (t === MessageType.user) return { type: "user", payload: buf.slice(1) };
  const body = (what: string): MsgMap => asStruct(new MsgpackReader(buf, 1).read(), what);
  switch (t) {
    case MessageType.ping:
      return readPing(body("ping"));
    case MessageType.indirectPing:
      return readIndirectPing(body("indirectPing"));
    case MessageType.ack: {
      const m = body("ack");
      return { type: "ack", seqNo: fieldUint(m, "SeqNo", U32, "ack"), payload: fieldBytes(m, "Payload", "ack") };
    }
    case MessageType.nack:
      return { type: "nack", seqNo: fieldUint(body("nack"), "SeqNo", U32, "nack") };
    case MessageType.err:
      return { type: "err", error: fieldString(body("err"), "Error", "err") };
    case MessageType.suspect:
    case MessageType.dead: {
      const what = t === MessageType.suspect ? "suspect" : "dead";
      const m = body(what);
      return {
        type: what,
        incarnation: fieldUint(m, "Incarnation", U32, what),
        node: fieldString(m, "Node", what),
        from: fieldString(m, "From", what),
      };
    }
    case MessageType.alive:
      return readAlive(body("alive"));
    default:
      throw new WireError(`message type ${t} is not a packet message`, "unknown_type");
  }
}

function readSource(m: MsgMap, what: string): Pick<PingMessage, "sourceAddr" | "sourcePort" | "sourceNode"> {
  const out: Pick<PingMessage, "sourceAddr" | "sourcePort" | "sourceNode"> = {};
  const addr = bytesToIp(fieldBytes(m, "SourceAddr", what), `${what}.SourceAddr`);
  const port = fieldUint(m, "SourcePort", U16, what);
  const node = fieldString(m, "SourceNode", what);
  if (addr) out.sourceAddr = addr;
  if (port) out.sourcePort = port;
  if (node) out.sourceNode = node;
  return out;
}

function readPing(m: MsgMap): PingMessage {
  return {
    type: "ping",
    seqNo: fieldUint(m, "SeqNo", U32, "ping"),
    node: fieldString(m, "Node", "ping"),
    ...readSource(m, "ping"),
  };
}

function readIndirectPing(m: MsgMap): IndirectPingMessage {
  return {
    type: "indirectPing",
    seqNo: fieldUint(m, "SeqNo", U32, "indirectPing"),
    targetAddr: bytesToIp(fieldBytes(m, "Target", "indirectPing"), "indirectPing.Target"),
    targetPort: fieldUint(m, "Port", U16, "indirectPing"),
    node: fieldString(m, "Node", "indirectPing"),
    nack: fieldBool(m, "Nack", "indirectPing"),
    ...readSource(m, "indirectPing"),
  };
}

function readAlive(m: MsgMap): AliveMessage {
  return {
    type: "alive",
    incarnation: fieldUint(m, "Incarnation", U32, "alive"),
    node: fieldString(m, "Node", "alive"),
    addr: bytesToIp(fieldBytes(m, "Addr", "alive"), "alive.Addr"),
    port: fieldUint(m, "Port", U16, "alive"),
    meta: fieldBytes(m, "Meta", "alive"),
    vsn: readVsn(m, "alive"),
  };
}

export function readPushNodeState(m: MsgMap): PushNodeState {
  const state = fieldUint(m, "State", 255, "pushNodeState");
  if (state > NodeStateCode.left) throw new WireError(`pushNodeState.State: unknown node state ${state}`);
  return {
    name: fieldString(m, "Name", "pushNodeState"),
    addr: bytesToIp(fieldBytes(m, "Addr", "pushNodeState"), "pushNodeState.Addr"),
    port: fieldUint(m, "Port", U16, "pushNodeState"),
    meta: fieldBytes(m, "Meta", "pushNodeState"),
    incarnation: fieldUint(m, "Incarnation", U32, "pushNodeState"),
    state: state as NodeStateCode,
    vsn: readVsn(m, "pushNodeState"),
  };
}

/** Vsn is a Go []uint8, i.e. raw bytes on the wire; a missing one reads as all zeros. */
function readVsn(m: MsgMap, what: string): VersionVector {
  const b = fieldBytes(m, "Vsn", what);
  if (b.length === 0) return [0, 0, 0, 0, 0, 0];
  if (b.length < 6) throw new WireError(`${what}.Vsn: expected 6 version bytes, got ${b.length}`);
  return [b[0], b[1], b[2], b[3], b[4], b[5]] as VersionVector;
}
