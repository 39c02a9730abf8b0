import type { MemberNode } from "./node.ts";

/**
 * Which gone (dead or left) nodes the member table forgets. The local node is never
 * forgotten: it is the one entry every exchange must carry.
 */
function isGone(node: MemberNode, localName: string): boolean {
  return (node.state === "dead" || node.state === "left") && node.name !== localName;
}

/** The node gone the longest, whose slot a new node may take when the table is full. */
export function longestGone(nodes: Iterable<MemberNode>, localName: string): MemberNode | undefined {
  let oldest: MemberNode | undefined;
  for (const node of nodes) {
    if (isGone(node, localName) && (!oldest || node.stateChangeMs < oldest.stateChangeMs)) oldest = node;
  }
  return oldest;
}

/** Names of the nodes gone for longer than `gossipToTheDeadMs` at `nowMs`: forgotten at the end of a probe round. */
export function goneLongerThan(nodes: Iterable<MemberNode>, localName: string, nowMs: number, gossipToTheDeadMs: number): string[] {
  const names: string[] = [];
  for (const node of nodes) if (isGone(node, localName) && nowMs - node.stateChangeMs > gossipToTheDeadMs) names.push(node.name);
  return names;
}
