import { addressOf, collectBroadcasts, type MembershipCore } from "./core.ts";

/**
 * One gossip round: queued broadcasts to `gossipNodes` random peers that are alive, suspect,
 * or dead for less than gossipToTheDead (so they can still hear it and refute). False when it
 * sent nothing: no peer to send to, or nothing queued (a node becomes a peer through a message
 * about it, and that message is queued, so the next enqueue is the time to look again).
 */
export function gossipRound(core: MembershipCore): boolean {
  const { config, table, clock } = core;
  const now = clock.monotonicMs();
  const targets = table.randomNodes(config.gossipNodes, (n) => {
    if (n.name === table.localName) return false;
    if (n.state === "alive" || n.state === "suspect") return true;
    return n.state === "dead" && now - n.stateChangeMs <= config.gossipToTheDeadMs;
  });
  let sent = false;
  for (const target of targets) {
    const msgs = collectBroadcasts(core, core.net.packetBudgetBytes);
    if (msgs.length === 0) break;
    core.net.sendPacket(addressOf(target), msgs);
    sent = true;
  }
  return sent;
}

/** memberlist's pushPullScale: the interval grows with ceil(log2 n - log2 32) + 1 above 32 nodes. */
export function pushPullIntervalFor(intervalMs: number, numNodes: number): number {
  if (numNodes <= 32) return intervalMs;
  const multiplier = Math.ceil(Math.log2(numNodes) - Math.log2(32)) + 1;
  return intervalMs * multiplier;
}
