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

/** Messages we decode but do not act on (queries, relays, key management). */
export interface SerfUnhandledMessage {
  type: "query" | "queryResponse" | "relay" | "other";
}

export type SerfOutgoingMessage = SerfLeaveMessage | SerfJoinMessage | SerfPushPullMessage | SerfUserEventMessage;
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
