import { asStruct, fieldArray, fieldBool, fieldBytes, fieldString, valueString } from "../membership/wire/go-fields.ts";
import { ipToBytes } from "../membership/wire/ip.ts";
import { MsgpackReader } from "../membership/wire/msgpack-reader.ts";
import { MsgpackWriter } from "../membership/wire/msgpack-writer.ts";
import { WireError } from "../membership/wire/wire-error.ts";
import { SerfMessageType } from "./serf-wire.ts";

/**
 * The bytes inside serf queries: filters (`[filter type]` + msgpack) and the key-management
 * request and response payloads (`[serf message type]` + msgpack), as serf's Go codec writes them.
 */

export const FilterType = { node: 0, tag: 1 } as const;

export type QueryFilter = { type: "node"; nodes: string[] } | { type: "tag"; tag: string; expr: string } | { type: "unknown"; filterType: number };

/** Node names in one node filter; more is not a query an honest sender (1024 bytes at most) makes. */
export const FILTER_NODES_MAX = 512;

export function encodeNodeFilter(nodes: readonly string[]): Uint8Array {
  const w = new MsgpackWriter(64).byte(FilterType.node).arrayHeader(nodes.length);
  for (const n of nodes) w.str(n);
  return w.bytes();
}

export function encodeTagFilter(tag: string, expr: string): Uint8Array {
  return new MsgpackWriter(64)
    .byte(FilterType.tag)
    .struct([["Tag", (x) => x.str(tag)], ["Expr", (x) => x.str(expr)]])
    .bytes();
}

/** Throws WireError on malformed bytes; an unknown filter type decodes (a query with one is not for us). */
export function decodeFilter(bytes: Uint8Array): QueryFilter {
  if (bytes.length === 0) throw new WireError("empty query filter");
  const t = bytes[0] as number;
  const reader = new MsgpackReader(bytes, 1);
  switch (t) {
    case FilterType.node: {
      const v = reader.read();
      if (v !== null && !Array.isArray(v)) throw new WireError("node filter: expected an array of names");
      const list = v ?? [];
      if (list.length > FILTER_NODES_MAX) throw new WireError(`node filter: ${list.length} names, over ${FILTER_NODES_MAX}`);
      return { type: "node", nodes: list.map((n) => valueString(n, "node filter")) };
    }
    case FilterType.tag: {
      const m = asStruct(reader.read(), "tag filter");
      return { type: "tag", tag: fieldString(m, "Tag", "tag filter"), expr: fieldString(m, "Expr", "tag filter") };
    }
    default:
      return { type: "unknown", filterType: t };
  }
}

/** serf's keyRequest: the raw key (empty for list-keys). */
export function encodeKeyRequest(key: Uint8Array): Uint8Array {
  return new MsgpackWriter(48)
    .byte(SerfMessageType.keyRequest)
    .struct([["Key", (x) => x.bin(key)]])
    .bytes();
}

export function decodeKeyRequest(bytes: Uint8Array): Uint8Array {
  if (bytes[0] !== SerfMessageType.keyRequest) throw new WireError("not a key request");
  return fieldBytes(asStruct(new MsgpackReader(bytes, 1).read(), "key request"), "Key", "key request");
}

/** serf's nodeKeyResponse: one member's answer to a key query. */
export interface NodeKeyResponse {
  result: boolean;
  message: string;
  /** Base64 keys (list-keys only). */
  keys: string[];
  /** Base64 primary key (list-keys only). */
  primaryKey: string;
}

export function encodeKeyResponse(r: NodeKeyResponse): Uint8Array {
  return new MsgpackWriter(128)
    .byte(SerfMessageType.keyResponse)
    .struct([
      ["Keys", (x) => {
        // Go leaves the slice nil (msgpack nil) unless keys were listed.
        if (r.keys.length === 0) return void x.nil();
        x.arrayHeader(r.keys.length);
        for (const k of r.keys) x.str(k);
      }],
      ["Message", (x) => x.str(r.message)],
      ["PrimaryKey", (x) => x.str(r.primaryKey)],
      ["Result", (x) => x.bool(r.result)],
    ])
    .bytes();
}

/** Keys in one response: serf's 1024-byte response holds at most 1024 / 25 of them. */
export const KEY_RESPONSE_KEYS_MAX = 40;

export function decodeKeyResponse(bytes: Uint8Array): NodeKeyResponse {
  if (bytes[0] !== SerfMessageType.keyResponse) throw new WireError(`not a key response (type ${bytes[0] ?? "none"})`);
  const m = asStruct(new MsgpackReader(bytes, 1).read(), "key response");
  const keys = fieldArray(m, "Keys", "key response");
  if (keys.length > KEY_RESPONSE_KEYS_MAX) throw new WireError(`key response: ${keys.length} keys, over ${KEY_RESPONSE_KEYS_MAX}`);
  return {
    result: fieldBool(m, "Result", "key response"),
    message: fieldString(m, "Message", "key response"),
    keys: keys.map((k) => valueString(k, "key response.Keys")),
    primaryKey: fieldString(m, "PrimaryKey", "key response"),
  };
}

/** A member as serf's conflict query answers with it (serf.Member). */
export interface ConflictMember {
  name: string;
  addr: string;
  port: number;
  tags: Readonly<Record<string, string>>;
  status: "alive" | "leaving" | "left" | "failed";
  /** memberlist's version vector: protocol min, max, current, delegate min, max, current. */
  vsn: readonly number[];
}

const MEMBER_STATUS = { alive: 1, leaving: 2, left: 3, failed: 4 } as const;

/** `_serf_conflict`'s answer: `[conflictResponse]` + the member we know by that name, or nil. */
export function encodeConflictResponse(m: ConflictMember | undefined): Uint8Array {
  const w = new MsgpackWriter(128).byte(SerfMessageType.conflictResponse);
  if (!m) return w.nil().bytes();
  const v = (i: number) => m.vsn[i] ?? 0;
  return w
    .struct([
      ["Addr", (x) => x.bin(ipToBytes(m.addr))],
      ["DelegateCur", (x) => x.uint(v(5))],
      ["DelegateMax", (x) => x.uint(v(4))],
      ["DelegateMin", (x) => x.uint(v(3))],
      ["Name", (x) => x.str(m.name)],
      ["Port", (x) => x.uint(m.port)],
      ["ProtocolCur", (x) => x.uint(v(2))],
      ["ProtocolMax", (x) => x.uint(v(1))],
      ["ProtocolMin", (x) => x.uint(v(0))],
      ["Status", (x) => x.uint(MEMBER_STATUS[m.status])],
      ["Tags", (x) => {
        const entries = Object.entries(m.tags);
        x.mapHeader(entries.length);
        for (const [k, val] of entries) x.str(k).str(val);
      }],
    ])
    .bytes();
}
