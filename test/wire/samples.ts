import type { GossipMessage } from "../../src/membership/messages.ts";
import { hx } from "./hex.ts";

export const vsn = [1, 5, 2, 2, 5, 5] as [number, number, number, number, number, number];
export const meta = hx(`ff 82 a4"role" a2"ts" a2"dc" a3"lab"`);

export const sampleMessages: GossipMessage[] = [
  { type: "ping", seqNo: 7, node: "s1" },
  { type: "ping", seqNo: 70000, node: "s1", sourceAddr: "10.100.2.2", sourcePort: 8301, sourceNode: "me" },
  { type: "indirectPing", seqNo: 9, targetAddr: "127.0.0.1", targetPort: 7946, node: "t", nack: true },
  { type: "indirectPing", seqNo: 9, targetAddr: "fd00::1", targetPort: 7946, node: "t", nack: false, sourceAddr: "::1", sourcePort: 1, sourceNode: "x" },
  { type: "ack", seqNo: 7, payload: new Uint8Array(0) },
  { type: "ack", seqNo: 0xffffffff, payload: Uint8Array.from([1, 2, 3]) },
  { type: "nack", seqNo: 3 },
  { type: "err", error: "boom ü" },
  { type: "suspect", incarnation: 4, node: "a", from: "b" },
  { type: "dead", incarnation: 5, node: "a", from: "a" },
  { type: "alive", incarnation: 1, node: "n1", addr: "192.168.1.20", port: 7946, meta, vsn },
  { type: "alive", incarnation: 300, node: "n6", addr: "2001:db8::5", port: 1, meta: new Uint8Array(0), vsn },
  { type: "user", payload: Uint8Array.from([1, 0x82, 0xa5]) },
];

