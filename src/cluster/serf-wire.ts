import {
  asStruct,
  fieldArray,
  fieldBool,
  fieldBytes,
  fieldInt,
  fieldMap,
  fieldString,
  fieldUint,
  valueBytes,
  valueString,
} from "../membership/wire/go-fields.ts";
import { bytesToIp, ipToBytes } from "../membership/wire/ip.ts";
import { MsgpackReader, type MsgMap } from "../membership/wire/msgpack-reader.ts";
import { MsgpackWriter } from "../membership/wire/msgpack-writer.ts";
import { WireError } from "../membership/wire/wire-error.ts";

/**
 * serf 0.9's own messages, carried as memberlist user messages (`[8]` + these bytes) and as
 * the push/pull user state: `[serf type byte]` + msgpack with Go field names (sorted, as Go's
 * codec writes them). Tags and the ack-payload coordinate are in serf-wire-meta.ts.
 */
import { LTIME_MAX } from "./serf-lamport.ts";
import type { SerfOutgoingMessage, SerfUserEventEntry, SerfUserEvents } from "./serf-messages.ts";
import { assertNever } from "../platform/assert-never.ts";

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

export type { SerfUserEventEntry, SerfUserEvents } from "./serf-messages.ts";

/** Every serf message on the wire: the ones the serf layer acts on, plus those it only carries. */
export type SerfMessage =
  | SerfOutgoingMessage
  /** conflictResponse / keyRequest / keyResponse and anything newer: kept as bytes. */
  | { type: "other"; serfType: number; body: Uint8Array };

const U32 = 0xffffffff;
const U16 = 0xffff;

export function encodeSerfMessage(msg: SerfMessage): Uint8Array {
  const w = new MsgpackWriter(128);
  switch (msg.type) {
    case "leave":
      w.byte(SerfMessageType.leave).struct([["LTime", (x) => x.uint(msg.ltime)], ["Node", (x) => x.str(msg.node)], ["Prune", (x) => x.bool(msg.prune)]]);
      break;
    case "join":
      w.byte(SerfMessageType.join).struct([["LTime", (x) => x.uint(msg.ltime)], ["Node", (x) => x.str(msg.node)]]);
      break;
    case "pushPull":
      w.byte(SerfMessageType.pushPull).struct([
        ["LTime", (x) => x.uint(msg.ltime)],
        ["StatusLTimes", (x) => {
          x.mapHeader(msg.statusLTimes.size);
          for (const [node, t] of msg.statusLTimes) x.str(node).uint(t);
        }],
        ["LeftMembers", (x) => {
          x.arrayHeader(msg.leftMembers.length);
          for (const name of msg.leftMembers) x.str(name);
        }],
        ["EventLTime", (x) => x.uint(msg.eventLTime)],
        ["Events", (x) => {
          x.arrayHeader(msg.events.length);
          for (const e of msg.events) {
            x.struct([
              ["LTime", (y) => y.uint(e.ltime)],
              ["Events", (y) => {
                y.arrayHeader(e.events.length);
                for (const ev of e.events) y.struct([["Name", (z) => z.str(ev.name)], ["Payload", (z) => z.binOrNil(ev.payload)]]);
              }],
            ]);
          }
        }],
        ["QueryLTime", (x) => x.uint(msg.queryLTime)],
      ]);
      break;
    case "userEvent":
      w.byte(SerfMessageType.userEvent).struct([
        ["LTime", (x) => x.uint(msg.ltime)],
        ["Name", (x) => x.str(msg.name)],
        ["Payload", (x) => x.binOrNil(msg.payload)],
        ["CC", (x) => x.bool(msg.cc)],
      ]);
      break;
    case "query":
      w.byte(SerfMessageType.query).struct([
        ["LTime", (x) => x.uint(msg.ltime)],
        ["ID", (x) => x.uint(msg.id)],
        ["Addr", (x) => x.bin(ipToBytes(msg.addr))],
        ["Port", (x) => x.uint(msg.port)],
        ["SourceNode", (x) => x.str(msg.sourceNode)],
        // serf leaves Filters nil when there are none, which Go encodes as msgpack nil.
        ["Filters", (x) => {
          if (msg.filters.length === 0) {
            x.nil();
            return;
          }
          x.arrayHeader(msg.filters.length);
          for (const f of msg.filters) x.bin(f);
        }],
        ["Flags", (x) => x.uint(msg.flags)],
        ["RelayFactor", (x) => x.uint(msg.relayFactor)],
        ["Timeout", (x) => x.int(msg.timeoutNs)],
        ["Name", (x) => x.str(msg.name)],
        ["Payload", (x) => x.binOrNil(msg.payload)],
      ]);
      break;
    case "queryResponse":
      w.byte(SerfMessageType.queryResponse).struct([
        ["LTime", (x) => x.uint(msg.ltime)],
        ["ID", (x) => x.uint(msg.id)],
        ["From", (x) => x.str(msg.from)],
        ["Flags", (x) => x.uint(msg.flags)],
        ["Payload", (x) => x.binOrNil(msg.payload)],
      ]);
      break;
    case "relay":
      w.byte(SerfMessageType.relay).struct([
        ["DestAddr", (x) => x.struct([["IP", (y) => y.bin(ipToBytes(msg.destAddr))], ["Port", (y) => y.int(msg.destPort)], ["Zone", (y) => y.str("")]])],
        ["DestName", (x) => x.str(msg.destName)],
      ]);
      w.raw(msg.message);
      break;
    case "other":
      w.byte(msg.serfType).raw(msg.body);
      break;
    default:
      assertNever(msg, "serf message");
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
        if (typeof v !== "number" || !Number.isInteger(v) || v < 0 || v > LTIME_MAX) throw new WireError(`serf pushPull.StatusLTimes: a value is not a Lamport time up to ${LTIME_MAX}`);
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

/** Lamport times beyond LTIME_MAX are malformed here (see serf-lamport.ts), so no clock can be pushed past exact integers. */
function lt(m: MsgMap, name: string): number {
  return fieldUint(m, name, LTIME_MAX, "serf message");
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

export { type Coordinate, decodeAckPayload, decodeTags, encodeAckPayload, encodeTags, zeroCoordinate } from "./serf-wire-meta.ts";
