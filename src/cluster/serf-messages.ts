/**
 * serf's own messages as typed values (the shapes of src/cluster/serf-wire.ts). They travel as
 * memberlist user messages and as the push/pull user state; the serf layer only sees these
 * types and reaches the bytes through the injected codecs below.
 */

export interface SerfLeaveMessage {
  type: "leave";
  ltime: number;
  node: string;
  prune: boolean;
}

export interface SerfJoinMessage {
  type: "join";
  ltime: number;
  node: string;
}

export interface SerfUserEventEntry {
  name: string;
  payload: Uint8Array;
}

/** All user events seen at one event LTime (one slot of the 512-slot buffer). */
export interface SerfUserEvents {
  ltime: number;
  events: SerfUserEventEntry[];
}

export interface SerfPushPullMessage {
  type: "pushPull";
  ltime: number;
  statusLTimes: Map<string, number>;
  leftMembers: string[];
  eventLTime: number;
  events: SerfUserEvents[];
  queryLTime: number;
}

export interface SerfUserEventMessage {
  type: "userEvent";
  ltime: number;
  name: string;
  payload: Uint8Array;
  /** Coalesce: a receiver may keep only the newest event of this name. */
  cc: boolean;
}

/** serf's query flags (bit set in `flags`). */
export const QUERY_FLAG_ACK = 1;
export const QUERY_FLAG_NO_BROADCAST = 2;

/** A query gossiped to every member; those that pass its filters answer `addr:port` directly. */
export interface SerfQueryMessage {
  type: "query";
  ltime: number;
  /** Random per query; (ltime, id) identifies it. */
  id: number;
  /** IP literal of the node to answer to. */
  addr: string;
  port: number;
  sourceNode: string;
  /** Each `[filter type]` + msgpack (serf-query-filters.ts). */
  filters: Uint8Array[];
  flags: number;
  relayFactor: number;
  /** Go time.Duration: nanoseconds. */
  timeoutNs: number;
  name: string;
  payload: Uint8Array;
}

/** An ack (QUERY_FLAG_ACK in flags) or a response to the query (ltime, id). */
export interface SerfQueryResponseMessage {
  type: "queryResponse";
  ltime: number;
  id: number;
  from: string;
  flags: number;
  payload: Uint8Array;
}

/** A response handed to another member to forward to `dest` (serf's relay factor). */
export interface SerfRelayMessage {
  type: "relay";
  destAddr: string;
  destPort: number;
  destName: string;
  /** The whole serf message to forward (`[type]` + msgpack). */
  message: Uint8Array;
}

/** Messages we decode but do not act on (key requests and responses travel inside query payloads). */
export interface SerfUnhandledMessage {
  type: "other";
}

export type SerfOutgoingMessage = SerfLeaveMessage | SerfJoinMessage | SerfPushPullMessage | SerfUserEventMessage | SerfQueryMessage | SerfQueryResponseMessage | SerfRelayMessage;
export type SerfMessage = SerfOutgoingMessage | SerfUnhandledMessage;

/** Serf message bytes (`[serf type]` + msgpack); implemented by serf-wire.ts. */
export interface SerfCodec {
  encode(msg: SerfOutgoingMessage): Uint8Array;
  /** Throws on malformed bytes. */
  decode(bytes: Uint8Array): SerfMessage;
}

/** Tags <-> node meta (`0xFF` + msgpack map); implemented by serf-wire.ts. */
export interface TagCodec {
  /** Throws when the encoded tags exceed the meta limit. */
  encode(tags: Readonly<Record<string, string>>): Uint8Array;
  decode(bytes: Uint8Array): Record<string, string>;
}
