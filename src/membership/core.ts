import type { Clock } from "../platform/clock.ts";
import type { Logger } from "../platform/logger.ts";
import type { RateLimitedLog } from "../platform/rate-limited-log.ts";
import type { Random } from "../platform/random.ts";
import type { AckRegistry } from "./ack-registry.ts";
import type { Awareness } from "./awareness.ts";
import type { BroadcastQueue } from "./broadcast-queue.ts";
import type { MembershipConfig } from "./config.ts";
import type { MembershipDelegates } from "./delegates.ts";
import type { GossipNet, NetAddress } from "./gossip-net.ts";
import type { GossipMessage } from "./messages.ts";
import type { MemberTable } from "./member-table.ts";
import type { MemberNode } from "./node.ts";
import type { UdpHealthTracker } from "./udp-health.ts";

/** Per-message overhead inside a compound packet (the u16 length entry). */
export const COMPOUND_PART_OVERHEAD_BYTES = 2;

const EMPTY_USER_MESSAGE: GossipMessage = { type: "user", payload: new Uint8Array(0) };

/** The shared state the probe, gossip and push/pull loops work on. */
export interface MembershipCore {
  config: MembershipConfig;
  clock: Clock;
  random: Random;
  logger: Logger;
  /** For lines the network can repeat at will (one per key per interval). */
  notes: RateLimitedLog;
  net: GossipNet;
  table: MemberTable;
  awareness: Awareness;
  acks: AckRegistry;
  broadcasts: BroadcastQueue<GossipMessage>;
  delegates: MembershipDelegates;
  udpHealth: UdpHealthTracker;
  /** Completed full state exchanges: `outbound` ones we started, `inbound` ones we answered. */
  pushPulls: { outbound: number; inbound: number };
  nextSeqNo(): number;
  isStopped(): boolean;
  /** Something was queued for gossip: wakes the gossip loop if it sleeps (gossip-loop.ts). */
  notifyQueued(): void;
}

export function addressOf(node: Pick<MemberNode, "addr" | "port">): NetAddress {
  return { ip: node.addr, port: node.port };
}

/**
 * Queued broadcasts that fit in `limitBytes`: memberlist's own first, then the delegate's
 * (serf's) as user messages.
 */
export function collectBroadcasts(core: MembershipCore, limitBytes: number): GossipMessage[] {
  if (limitBytes <= 0) return [];
  const { items, usedBytes } = core.broadcasts.take(COMPOUND_PART_OVERHEAD_BYTES, limitBytes);
  const msgs: GossipMessage[] = [...items];
  const delegate = core.delegates.delegate;
  const remaining = limitBytes - usedBytes;
  if (delegate && remaining > 0) {
    const userOverhead = core.net.encodedSize(EMPTY_USER_MESSAGE) + COMPOUND_PART_OVERHEAD_BYTES;
    const sizeOf = (payload: Uint8Array): number => userOverhead + payload.length;
    for (const payload of delegate.getBroadcasts(remaining, sizeOf)) msgs.push({ type: "user", payload });
  }
  return msgs;
}

/** Sends `msgs` in one packet, filled up with queued broadcasts (pings, acks, probes). */
export function sendWithPiggyback(core: MembershipCore, to: NetAddress, msgs: GossipMessage[]): void {
  let used = 0;
  for (const msg of msgs) used += core.net.encodedSize(msg) + COMPOUND_PART_OVERHEAD_BYTES;
  const extra = collectBroadcasts(core, core.net.packetBudgetBytes - used);
  core.net.sendPacket(to, extra.length > 0 ? [...msgs, ...extra] : msgs);
}

/**
 * Runs `fn` every `intervalMs()` after a random initial stagger, until the core stops. With
 * `intervalAfterStagger`, the first run waits one more interval, read when the stagger ends
 * (memberlist's push/pull trigger: by then a joined node knows the cluster's size).
 */
export function startLoop(core: MembershipCore, intervalMs: () => number, fn: () => Promise<void> | void, intervalAfterStagger = false): void {
  const run = (): void => {
    if (core.isStopped()) return;
    const startedAt = core.clock.monotonicMs();
    Promise.resolve()
      .then(fn)
      .catch((error: unknown) => core.logger.error("membership loop failed; continuing", { error }))
      .finally(() => {
        const elapsed = core.clock.monotonicMs() - startedAt;
        core.clock.setTimer(Math.max(0, intervalMs() - elapsed), run);
      });
  };
  const stagger = core.random.int(Math.max(1, intervalMs()));
  core.clock.setTimer(stagger, intervalAfterStagger ? () => void core.clock.setTimer(intervalMs(), run) : run);
}
