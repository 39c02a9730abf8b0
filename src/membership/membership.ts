import type { Clock, Timer } from "../platform/clock.ts";
import { SatelliteError, describeError } from "../platform/errors.ts";
import type { Logger } from "../platform/logger.ts";
import { createRateLimitedLog, REPEATED_LOG_INTERVAL_MS } from "../platform/rate-limited-log.ts";
import type { Random } from "../platform/random.ts";
import { AckRegistry } from "./ack-registry.ts";
import { Awareness } from "./awareness.ts";
import { BroadcastQueue } from "./broadcast-queue.ts";
import type { MembershipConfig } from "./config.ts";
import { addressOf, startLoop, type MembershipCore } from "./core.ts";
import type { MembershipDelegates } from "./delegates.ts";
import { gossipRound, pushPullIntervalFor } from "./gossip.ts";
import { createGossipLoop } from "./gossip-loop.ts";
import { formatAddress, type GossipNet, type NetAddress } from "./gossip-net.ts";
import { nextIncarnation } from "./incarnation.ts";
import type { ClaimRejectReason } from "./member-claims.ts";
import { MemberTable } from "./member-table.ts";
import type { GossipMessage } from "./messages.ts";
import type { MemberNode } from "./node.ts";
import { createMessageDispatch } from "./message-dispatch.ts";
import { probeNode } from "./probe.ts";
import { periodicPushPull, pushPullWith } from "./push-pull.ts";
import { UdpHealthTracker, type UdpHealth } from "./udp-health.ts";

/**
 * A join waits this many stream timeouts for the seed's answer. A seed that took the stream is
 * up; when a rollout starts many agents at once it answers them in turn, and one that gave up
 * would join the back of the queue again while the seed's work on its first request is lost
 * (a burst of 100 on 2 cores: 44 joiners gave up after 10 s and joined 10-20 s later).
 */
export const JOIN_REPLY_TIMEOUT_MULT = 3;

export interface MembershipDeps {
  net: GossipNet;
  clock: Clock;
  random: Random;
  logger: Logger;
}

export interface MembershipHealth extends UdpHealth {
  /** Lifeguard awareness score, 0 (healthy) .. awarenessMaxMultiplier - 1. */
  awareness: number;
  broadcastsQueued: number;
  /** Member claims (alive, suspect, dead, push/pull entries) dropped before the table, by reason. */
  rejected: Record<ClaimRejectReason, number>;
  /** UDP pings and indirect pings left unanswered: over requestsPerSecondMax. */
  requestsUnanswered: number;
  /** Members this node started to suspect, since start. */
  suspicionsStarted: number;
  /** Completed full state exchanges since start, by who started them. */
  pushPulls: { outbound: number; inbound: number };
}

export interface Membership {
  /** Marks us alive and starts the probe, gossip and push/pull loops. Call once. */
  start(): void;
  /** Push/pull with each seed (join = true); resolves with how many answered, rejects if none did. */
  join(seeds: readonly NetAddress[]): Promise<number>;
  /** Gossips dead{from: self} and waits until it went out or `timeoutMs` passed. */
  leave(timeoutMs: number): Promise<void>;
  /** Stops all loops and timers and closes the net. */
  shutdown(): Promise<void>;
  /** Every node in the table, dead and left ones included until forgotten. */
  members(): MemberNode[];
  member(name: string): MemberNode | undefined;
  localNode(): MemberNode;
  /** Alive and suspect nodes, ourselves included. */
  numAlive(): number;
  /** Re-reads our meta from the delegate and gossips it with a new incarnation. */
  updateNode(timeoutMs: number): Promise<void>;
  /**
   * The delegate queued a broadcast for `getBroadcasts`: a delegate that queues must call it on
   * every enqueue, because the gossip loop sleeps while it finds nothing to send.
   */
  notifyQueued(): void;
  health(): MembershipHealth;
}

export function createMembership(config: MembershipConfig, deps: MembershipDeps, delegates: MembershipDelegates = {}): Membership {
  const { net, clock, random, logger } = deps;
  let seqNo = 0;
  let stopped = false;
  let started = false;
  const awareness = new Awareness(config.awarenessMaxMultiplier);
  let table: MemberTable | undefined;
  const gossipLoop = createGossipLoop({
    clock,
    random,
    logger,
    intervalMs: config.gossipIntervalMs,
    isStopped: () => stopped,
    round: () => gossipRound(core),
  });
  const broadcasts = new BroadcastQueue<GossipMessage>({
    retransmitMult: config.retransmitMult,
    numNodes: () => table?.size() ?? 1,
    maxQueued: config.broadcastQueueMax,
    onQueued: () => gossipLoop.notifyQueued(),
  });
  table = new MemberTable({
    config,
    clock,
    random,
    logger,
    awareness,
    broadcasts,
    encodedSize: (m) => net.encodedSize(m),
    events: delegates.events,
    validateMeta: delegates.delegate?.validateMeta?.bind(delegates.delegate),
  });
  const notes = createRateLimitedLog(logger, () => clock.monotonicMs(), REPEATED_LOG_INTERVAL_MS);
  const core: MembershipCore = {
    config,
    clock,
    random,
    logger,
    notes,
    net,
    table,
    awareness,
    acks: new AckRegistry(clock),
    broadcasts,
    delegates,
    udpHealth: new UdpHealthTracker(config.udpBlockedAfterProbes),
    pushPulls: { outbound: 0, inbound: 0 },
    nextSeqNo: () => (seqNo = (seqNo + 1) >>> 0),
    isStopped: () => stopped,
    notifyQueued: () => gossipLoop.notifyQueued(),
  };
  const pendingTimers = new Set<Timer>();
  const dispatch = createMessageDispatch(core);

  const localMeta = (): Uint8Array => {
    const meta = delegates.delegate?.nodeMeta(config.metaMaxBytes) ?? new Uint8Array();
    if (meta.length > config.metaMaxBytes) {
      throw new SatelliteError("meta_too_large", `node meta is ${meta.length} bytes, more than the limit of ${config.metaMaxBytes}`, {
        hint: "use fewer or shorter tags",
      });
    }
    return meta;
  };

  const announceSelf = (incarnation: number, onDone?: () => void): void => {
    const addr = net.localAddress;
    core.table.aliveNode({ type: "alive", incarnation, node: config.name, addr: addr.ip, port: addr.port, meta: localMeta(), vsn: config.vsn }, "local", onDone);
  };

  const later = (delayMs: number, fn: () => void): void => {
    const timer = clock.setTimer(delayMs, () => {
      pendingTimers.delete(timer);
      if (!stopped) fn();
    });
    pendingTimers.add(timer);
  };

  /** Resolves when `register` calls back, or after `timeoutMs`; false on timeout. */
  const waitDone = (timeoutMs: number, register: (done: () => void) => void): Promise<boolean> =>
    new Promise((resolve) => {
      let settled = false;
      const timer = clock.setTimer(timeoutMs, () => {
        if (!settled) (settled = true), resolve(false);
      });
      register(() => {
        if (settled) return;
        settled = true;
        timer.cancel();
        resolve(true);
      });
    });

  const membership: Membership = {
    start() {
      if (started) return;
      started = true;
      net.setHandlers(dispatch.handlers);
      announceSelf(1);
      // A fixed rate, as memberlist's ticker: awareness lengthens a probe's wait (probe.ts), and
      // scaling the rate too would leave a degraded node probing a dead peer seconds late.
      startLoop(core, () => config.probeIntervalMs, async () => {
        const target = core.table.nextProbeTarget();
        if (target) await probeNode(core, target);
      });
      gossipLoop.start();
      if (config.pushPullIntervalMs > 0) {
        // As memberlist: the first periodic exchange comes a whole (scaled) interval after the
        // stagger; a joining node has just synced (join and joinSync exchanges).
        startLoop(core, () => pushPullIntervalFor(config.pushPullIntervalMs, core.table.size()), () => periodicPushPull(core), true);
      }
    },

    async join(seeds) {
      const self = formatAddress(net.localAddress);
      const targets = seeds.filter((s) => formatAddress(s) !== self);
      const errors: unknown[] = [];
      const results = await Promise.all(
        targets.map((seed) =>
          pushPullWith(core, seed, true, config.tcpTimeoutMs * JOIN_REPLY_TIMEOUT_MULT).then(
            () => true,
            (error: unknown) => {
              errors.push(error);
              logger.warn("join: seed did not answer", { seed: formatAddress(seed), error: describeError(error) });
              return false;
            },
          ),
        ),
      );
      const joined = results.filter(Boolean).length;
      if (targets.length > 0 && joined === 0) {
        throw new SatelliteError("join_failed", `could not join the cluster: none of ${targets.map(formatAddress).join(", ")} answered`, {
          hint: "check the seed addresses, that their agents run, and that TCP to the gossip port is allowed",
          cause: errors[0],
        });
      }
      if (joined > 0) {
        // Our own alive message is queued and we now know peers: send it out at once instead of
        // at the next gossip tick (memberlist waits up to a gossip interval; this is the
        // difference between 2 and 3 gossip rounds for a join to reach 50 nodes).
        if (!stopped) gossipRound(core);
        for (const delayMs of config.joinSyncDelaysMs) later(delayMs, () => void periodicPushPull(core));
      }
      return joined;
    },

    async leave(timeoutMs) {
      if (core.table.leaving) return;
      const othersAlive = core.table.aliveCount() > 1;
      const sent = waitDone(timeoutMs, (done) => core.table.leave(done));
      if (!othersAlive) return;
      const peers = core.table.randomNodes(config.leaveSyncPeers, (n) => n.name !== config.name && n.state === "alive");
      const synced = peers.map((peer) =>
        pushPullWith(core, addressOf(peer), false, Math.min(config.tcpTimeoutMs, timeoutMs)).then(
          () => true,
          (error: unknown) => {
            logger.warn("leave: state exchange with a peer failed", { node: peer.name, error: describeError(error) });
            return false;
          },
        ),
      );
      const [gossiped, ...exchanged] = await Promise.all([sent, ...synced]);
      if (!gossiped && !exchanged.some(Boolean)) logger.warn("leave: the leave may not have reached everyone", { timeoutMs });
    },

    async shutdown() {
      if (stopped) return;
      stopped = true;
      for (const timer of pendingTimers) timer.cancel();
      core.acks.clear();
      core.table.stop();
      broadcasts.clear();
      await net.close();
    },

    members: () => core.table.all(),
    member: (name) => core.table.get(name),
    localNode: () => core.table.get(config.name) as MemberNode,
    numAlive: () => core.table.aliveCount(),
    notifyQueued: () => gossipLoop.notifyQueued(),

    async updateNode(timeoutMs) {
      const self = core.table.get(config.name);
      if (!self || core.table.leaving) return;
      await waitDone(timeoutMs, (done) => announceSelf(nextIncarnation(self.incarnation), done));
    },

    health: () => ({
      ...core.udpHealth.snapshot(),
      awareness: awareness.score(),
      broadcastsQueued: broadcasts.length(),
      rejected: { ...core.table.rejected },
      requestsUnanswered: dispatch.requestsUnanswered(),
      suspicionsStarted: core.table.suspicionsStarted,
      pushPulls: { ...core.pushPulls },
    }),
  };
  return membership;
}
