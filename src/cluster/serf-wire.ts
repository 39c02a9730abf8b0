import { SatelliteError } from "../platform/errors.ts";
import {
  asStruct,
  fieldArray,
  fieldBool,
  fieldBytes,
  fieldFloat,
  fieldInt,
  fieldMap,
  fieldString,
  fieldUint,
  valueBytes,
  valueString,
} from "../membership/wire/go-fields.ts";
import { bytesToIp, ipToBytes } from "../membership/wire/ip.ts";
import { META_MAX_SIZE } from "../membership/wire/message-type.ts";
import { MsgpackReader, type MsgMap } from "../membership/wire/msgpack-reader.ts";
import { MsgpackWriter } from "../membership/wire/msgpack-writer.ts";
import { WireError } from "../membership/wire/wire-error.ts";

/**
 * serf 0.9's own messages, carried as memberlist user messages (`[8]` + these bytes) and as
 * the push/pull user state: `[serf type byte]` + msgpack with Go field names. Also the node
 * meta (tags) and the Vivaldi coordinate serf puts in ack payloads.
 */
export const SerfMessageType = {
  leave: 0,
  join: 1,
  pushPull: 2,
  userEvent: 3,
  query: 4,
  queryResponse: 5,
  conflictResponse: 6,
  keyRequest: 7,
  keyResponse: 8,
  relay: 9,
} as const;

export interface SerfUserEventEntry {
  name: string;
  payload: Uint8Array;
}

export interface SerfUserEvents {
  ltime: number;
  events: SerfUserEventEntry[];
}

export type SerfMessage =
  | { type: "leave"; ltime: number; node: string; prune: boolean }
  | { type: "join"; ltime: number; node: string }
  | {
      type: "pushPull";
      ltime: number;
      statusLTimes: Map<string, number>;
      leftMembers: string[];
      eventLTime: number;
      events: SerfUserEvents[];
      queryLTime: number;
    }
  | { type: "userEvent"; ltime: number; name: string; payload: Uint8Array; cc: boolean }
  | {
      type: "query";
      ltime: number;
      id: number;
      /** IP literal of the node to answer to. */
      addr: string;
      port: number;
      sourceNode: string;
      filters: Uint8Array[];
      flags: number;
      relayFactor: number;
      /** Go time.Duration: nanoseconds. */
      timeoutNs: number;
      name: string;
      payload: Uint8Array;
    }
  | { type: "queryResponse"; ltime: number; id: number; from: string; flags: number; payload: Uint8Array }
  | { type: "relay"; destAddr: string; destPort: number; destName: string; message: Uint8Array }
  /** conflictResponse / keyRequest / keyResponse and anything newer: kept as bytes. */
  | { type: "other"; serfType: number; body: Uint8Array };

const U32 = 0xffffffff;
const U16 = 0xffff;

export function encodeSerfMessage(msg: SerfMessage): Uint8Array {
  const w = new MsgpackWriter(128);
  switch (msg.type) {
    case "leave":
      w.byte(SerfMessageType.leave).mapHeader(3).str("LTime").uint(msg.ltime).str("Node").str(msg.node).str("Prune").bool(msg.prune);
      break;
    case "join":
      w.byte(SerfMessageType.join).mapHeader(2).str("LTime").uint(msg.ltime).str("Node").str(msg.node);
      break;
    case "pushPull": {
      w.byte(SerfMessageType.pushPull).mapHeader(6).str("LTime").uint(msg.ltime);
      w.str("StatusLTimes").mapHeader(msg.statusLTimes.size);
      for (const [node, t] of msg.statusLTimes) w.str(node).uint(t);
      w.str("LeftMembers").arrayHeader(msg.leftMembers.length);
      for (const name of msg.leftMembers) w.str(name);
      w.str("EventLTime").uint(msg.eventLTime).str("Events").arrayHeader(msg.events.length);
      for (const e of msg.events) {
        w.mapHeader(2).str("LTime").uint(e.ltime).str("Events").arrayHeader(e.events.length);
        for (const ev of e.events) w.mapHeader(2).str("Name").str(ev.name).str("Payload").binOrNil(ev.payload);
      }
      w.str("QueryLTime").uint(msg.queryLTime);
      break;
    }
    case "userEvent":
      w.byte(SerfMessageType.userEvent).mapHeader(4).str("LTime").uint(msg.ltime).str("Name").str(msg.name);
      w.str("Payload").binOrNil(msg.payload).str("CC").bool(msg.cc);
      break;
    case "query":
      w.byte(SerfMessageType.query).mapHeader(11).str("LTime").uint(msg.ltime).str("ID").uint(msg.id);
      w.str("Addr").bin(ipToBytes(msg.addr)).str("Port").uint(msg.port).str("SourceNode").str(msg.sourceNode);
      w.str("Filters").arrayHeader(msg.filters.length);
      for (const f of msg.filters) w.bin(f);
      w.str("Flags").uint(msg.flags).str("RelayFactor").uint(msg.relayFactor).str("Timeout").int(msg.timeoutNs);
      w.str("Name").str(msg.name).str("Payload").binOrNil(msg.payload);
      break;
    case "queryResponse":
      w.byte(SerfMessageType.queryResponse).mapHeader(5).str("LTime").uint(msg.ltime).str("ID").uint(msg.id);
      w.str("From").str(msg.from).str("Flags").uint(msg.flags).str("Payload").binOrNil(msg.payload);
      break;
    case "relay":
      w.byte(SerfMessageType.relay).mapHeader(2).str("DestAddr").mapHeader(3);
      w.str("IP").bin(ipToBytes(msg.destAddr)).str("Port").int(msg.destPort).str("Zone").str("");
      w.str("DestName").str(msg.destName).raw(msg.message);
      break;
    case "other":
      w.byte(msg.serfType).raw(msg.body);
      break;
  }
  return w.bytes();
}

/** Decodes a serf message (the bytes after memberlist's user byte, or the push/pull user state). */
export function decodeSerfMessage(buf: Uint8Array): SerfMessage {
  if (buf.length === 0) throw new WireError("empty serf message");
  const t = buf[0] as number;
  const reader = new MsgpackReader(buf, 1);
  const body = (what: string): MsgMap => asStruct(reader.read(), what);
  switch (t) {
    case SerfMessageType.leave: {
      const m = body("serf leave");
      return { type: "leave", ltime: lt(m, "LTime"), node: fieldString(m, "Node", "leave"), prune: fieldBool(m, "Prune", "leave") };
    }
    case SerfMessageType.join: {
      const m = body("serf join");
      return { type: "join", ltime: lt(m, "LTime"), node: fieldString(m, "Node", "join") };
    }
    case SerfMessageType.pushPull: {
      const m = body("serf pushPull");
      const statusLTimes = new Map<string, number>();
      for (const [node, v] of fieldMap(m, "StatusLTimes", "pushPull")) {
        if (typeof v !== "number" || !Number.isInteger(v) || v < 0) throw new WireError(`serf pushPull.StatusLTimes[${node}] is not a Lamport time`);
        statusLTimes.set(node, v);
      }
      return {
        type: "pushPull",
        ltime: lt(m, "LTime"),
        statusLTimes,
        leftMembers: fieldArray(m, "LeftMembers", "pushPull").map((v) => valueString(v, "pushPull.LeftMembers")),
        eventLTime: lt(m, "EventLTime"),
        events: fieldArray(m, "Events", "pushPull").filter((v) => v !== null).map((v) => readUserEvents(asStruct(v, "userEvents"))),
        queryLTime: lt(m, "QueryLTime"),
      };
    }
    case SerfMessageType.userEvent: {
      const m = body("serf userEvent");
      return {
        type: "userEvent",
        ltime: lt(m, "LTime"),
        name: fieldString(m, "Name", "userEvent"),
        payload: fieldBytes(m, "Payload", "userEvent"),
        cc: fieldBool(m, "CC", "userEvent"),
      };
    }
    case SerfMessageType.query: {
      const m = body("serf query");
      return {
        type: "query",
        ltime: lt(m, "LTime"),
        id: fieldUint(m, "ID", U32, "query"),
        addr: bytesToIp(fieldBytes(m, "Addr", "query"), "query.Addr"),
        port: fieldUint(m, "Port", U16, "query"),
        sourceNode: fieldString(m, "SourceNode", "query"),
        filters: fieldArray(m, "Filters", "query").map((v) => valueBytes(v, "query.Filters")),
        flags: fieldUint(m, "Flags", U32, "query"),
        relayFactor: fieldUint(m, "RelayFactor", 255, "query"),
        timeoutNs: fieldInt(m, "Timeout", "query"),
        name: fieldString(m, "Name", "query"),
        payload: fieldBytes(m, "Payload", "query"),
      };
    }
    case SerfMessageType.queryResponse: {
      const m = body("serf queryResponse");
      return {
        type: "queryResponse",
        ltime: lt(m, "LTime"),
        id: fieldUint(m, "ID", U32, "queryResponse"),
        from: fieldString(m, "From", "queryResponse"),
        flags: fieldUint(m, "Flags", U32, "queryResponse"),
        payload: fieldBytes(m, "Payload", "queryResponse"),
      };
    }
    case SerfMessageType.relay: {
      const m = body("serf relay header");
      const dest = fieldMap(m, "DestAddr", "relay");
      return {
        type: "relay",
        destAddr: bytesToIp(fieldBytes(dest, "IP", "relay.DestAddr"), "relay.DestAddr.IP"),
        destPort: fieldUint(dest, "Port", U16, "relay.DestAddr"),
        destName: fieldString(m, "DestName", "relay"),
        message: buf.slice(reader.pos),
      };
    }
    default:
      return { type: "other", serfType: t, body: buf.slice(1) };
  }
}

function lt(m: MsgMap, name: string): number {
  return fieldUint(m, name, Number.MAX_SAFE_INTEGER, "serf message");
}

function readUserEvents(m: MsgMap): SerfUserEvents {
  return {
    ltime: lt(m, "LTime"),
    events: fieldArray(m, "Events", "userEvents").map((v) => {
      const e = asStruct(v, "userEvent");
      return { name: fieldString(e, "Name", "userEvent"), payload: fieldBytes(e, "Payload", "userEvent") };
    }),
  };
}

/** serf's tag meta marker; meta without it is a pre-tags "role" string. */
const TAG_MAGIC = 0xff;

/** Tags -> node meta: 0xFF + msgpack map[string]string, at most 512 bytes. */
export function encodeTags(tags: Readonly<Record<string, string>>): Uint8Array {
  const entries = Object.entries(tags);
  const w = new MsgpackWriter(64);
  w.byte(TAG_MAGIC).mapHeader(entries.length);
  for (const [k, v] of entries) w.str(k).str(v);
  const out = w.bytes();
  if (out.length > META_MAX_SIZE) {
    throw new SatelliteError("SERF_TAGS_TOO_LARGE", `encoded tags take ${out.length} bytes; serf allows at most ${META_MAX_SIZE}`, {
      hint: "shorten or remove tags (keys and values both count)",
    });
  }
  return out;
}

/** Node meta -> tags, as serf reads it (no magic byte: the whole meta is the "role" tag). */
export function decodeTags(meta: Uint8Array): Record<string, string> {
  const tags: Record<string, string> = Object.create(null) as Record<string, string>;
  if (meta.length === 0 || meta[0] !== TAG_MAGIC) {
    tags.role = new TextDecoder().decode(meta);
    return tags;
  }
  for (const [k, v] of asStruct(new MsgpackReader(meta, 1).read(), "tags")) tags[k] = valueString(v, `tags.${k}`);
  return tags;
}

/** serf's Vivaldi coordinate (hashicorp/serf/coordinate). */
export interface Coordinate {
  vec: number[];
  error: number;
  adjustment: number;
  height: number;
}

/** What coordinate.NewCoordinate returns with serf's defaults: 8 dimensions, error 1.5, height 1e-5. */
export function zeroCoordinate(): Coordinate {
  return { vec: new Array<number>(8).fill(0), error: 1.5, adjustment: 0, height: 1e-5 };
}

/** The version byte serf puts before the coordinate in ack payloads. */
const PING_VERSION = 1;

export function encodeAckPayload(c: Coordinate): Uint8Array {
  const w = new MsgpackWriter(128);
  w.byte(PING_VERSION).mapHeader(4).str("Vec").arrayHeader(c.vec.length);
  for (const x of c.vec) w.float64(x);
  w.str("Error").float64(c.error).str("Adjustment").float64(c.adjustment).str("Height").float64(c.height);
  return w.bytes();
}

/** undefined for an empty payload (serf ignores those too). */
export function decodeAckPayload(payload: Uint8Array): Coordinate | undefined {
  if (payload.length === 0) return undefined;
  if (payload[0] !== PING_VERSION) throw new WireError(`unsupported ack payload version ${payload[0]}`);
  const m = asStruct(new MsgpackReader(payload, 1).read(), "coordinate");
  const vec = fieldArray(m, "Vec", "coordinate").map((v) => {
    if (typeof v !== "number" || !Number.isFinite(v)) throw new WireError("coordinate.Vec holds a non-number");
    return v;
  });
  const c = {
    vec,
    error: fieldFloat(m, "Error", "coordinate"),
    adjustment: fieldFloat(m, "Adjustment", "coordinate"),
    height: fieldFloat(m, "Height", "coordinate"),
  };
  if (![c.error, c.adjustment, c.height].every(Number.isFinite)) throw new WireError("coordinate holds a non-finite number");
  return c;
}
