import type { VersionVector } from "./messages.ts";

export type NodeStateName = "alive" | "suspect" | "dead" | "left";

/** What the membership layer knows about one node; a snapshot, safe to keep. */
export interface MemberNode {
  name: string;
  addr: string;
  port: number;
  meta: Uint8Array;
  incarnation: number;
  state: NodeStateName;
  /** Monotonic ms of the last state change (the membership clock). */
  stateChangeMs: number;
  vsn: VersionVector;
}

/** memberlist protocol version a node understands at most (nack needs 4, TCP ping 3). */
export function protocolMax(node: Pick<MemberNode, "vsn">): number {
  return node.vsn[1];
}
