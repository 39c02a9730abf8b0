/**
 * memberlist's messages as typed values. The wire codec (src/membership/wire/) turns these into
 * the exact bytes serf 0.9 speaks and back; the SWIM state machine only ever sees these types.
 * Addresses are IP literals ("10.0.0.1", "::1"); the codec converts to 4/16 raw bytes.
 */

/** memberlist's node states as carried in push/pull. */
export const NodeStateCode = { alive: 0, suspect: 1, dead: 2, left: 3 } as const;
export type NodeStateCode = (typeof NodeStateCode)[keyof typeof NodeStateCode];

/** [protocolMin, protocolMax, protocolCur, delegateMin, delegateMax, delegateCur] */
export type VersionVector = [number, number, number, number, number, number];

export interface PingMessage {
  type: "ping";
  seqNo: number;
  /** The name of the node being pinged (receivers ignore pings not meant for them). */
  node: string;
  sourceAddr?: string;
  sourcePort?: number;
  sourceNode?: string;
}

export interface IndirectPingMessage {
  type: "indirectPing";
  seqNo: number;
  targetAddr: string;
  targetPort: number;
  node: string;
  nack: boolean;
  sourceAddr?: string;
  sourcePort?: number;
  sourceNode?: string;
}

export interface AckMessage {
  type: "ack";
  seqNo: number;
  /** Serf puts `[1]` + a msgpack Vivaldi coordinate here; empty is fine. */
  payload: Uint8Array;
}

export interface NackMessage {
  type: "nack";
  seqNo: number;
}

export interface ErrMessage {
  type: "err";
  error: string;
}

export interface AliveMessage {
  type: "alive";
  incarnation: number;
  node: string;
  addr: string;
  port: number;
  /** Serf: 0xFF + msgpack map of tags, at most 512 bytes. */
  meta: Uint8Array;
  vsn: VersionVector;
}

export interface SuspectMessage {
  type: "suspect";
  incarnation: number;
  node: string;
  from: string;
}

export interface DeadMessage {
  type: "dead";
  incarnation: number;
  node: string;
  /** `from === node` means the node left gracefully. */
  from: string;
}

/** Opaque bytes for the layer above (serf messages start with their own type byte). */
export interface UserMessage {
  type: "user";
  payload: Uint8Array;
}

export interface PushNodeState {
  name: string;
  addr: string;
  port: number;
  meta: Uint8Array;
  incarnation: number;
  state: NodeStateCode;
  vsn: VersionVector;
}

export interface PushPullMessage {
  type: "pushPull";
  join: boolean;
  nodes: PushNodeState[];
  /** The delegate's (serf's) local state, opaque here. */
  userState: Uint8Array;
}

export type GossipMessage =
  | PingMessage
  | IndirectPingMessage
  | AckMessage
  | NackMessage
  | ErrMessage
  | AliveMessage
  | SuspectMessage
  | DeadMessage
  | UserMessage
  | PushPullMessage;
