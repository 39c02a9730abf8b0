import type { PingDelegate } from "../membership/delegates.ts";
import type { GossipNet, NetAddress } from "../membership/gossip-net.ts";
import { createMembership, type Membership } from "../membership/membership.ts";
import type { Clock, Timer } from "../platform/clock.ts";
import { SatelliteError, describeError } from "../platform/errors.ts";
import type { Logger } from "../platform/logger.ts";
import { shuffle, type Random } from "../platform/random.ts";
import type { SerfConfig } from "./serf-config.ts";
import { SerfCore, type SerfEvent } from "./serf-core.ts";
import type { SerfMember } from "./serf-members.ts";
import type { SerfCodec, TagCodec } from "./serf-messages.ts";
import { SerfQueries } from "./serf-queries.ts";
import { defaultQueriesConfig, type SerfQueriesConfig } from "./serf-query-limits.ts";
import { SnapshotWriter, type KnownPeer, type MemberSnapshotStore } from "./serf-snapshot.ts";

export interface SerfDeps {
  net: GossipNet;
  clock: Clock;
  random: Random;
  logger: Logger;
  codec: SerfCodec;
  tagCodec: TagCodec;
  /** Known peers across restarts; without it nothing is rejoined after a restart. */
  snapshots?: MemberSnapshotStore;
  /** RTT of every direct probe, and the ack payload we send. */
  ping?: PingDelegate;
  /** Query settings beyond serf's defaults (defaultQueriesConfig). */
  queries?: Partial<Omit<SerfQueriesConfig, "localName">>;
}

import type { Serf } from "./serf-api.ts";

export type { Serf, SerfHealth } from "./serf-api.ts";

export function createSerf(config: SerfConfig, deps: SerfDeps): Serf {
  const { clock, logger, random } = deps;
  const name = config.membership.name;
  const listeners = new Set<(event: SerfEvent) => void>();
  const timers = new Set<Timer>();
  let state: "created" | "alive" | "leaving" | "left" | "shutdown" = "created";
  let membership: Membership | undefined;
  let snapshots: SnapshotWriter | undefined;

  const core = new SerfCore({
    config,
    codec: deps.codec,
    tagCodec: deps.tagCodec,
    logger,
    nowMs: () => clock.monotonicMs(),
    numNodes: () => membership?.numAlive() ?? 1,
    isLeaving: () => state === "leaving" || state === "left",
    onQueued: () => membership?.notifyQueued(),
    emit: (event) => {
      if (event.type !== "user" && event.member.name !== name) snapshots?.changed();
      for (const listener of listeners) {
        try {
          listener(event);
        } catch (error) {
          logger.error("a serf event listener threw; continuing", { event: event.type, error: describeError(error) });
        }
      }
    },
  });
  const queries = new SerfQueries({
    config: { ...defaultQueriesConfig(name, config.membership.gossipIntervalMs, config.membership.membersMax), ...deps.queries },
    clock,
    random,
    logger,
    codec: deps.codec,
    queryClock: core.queryClock,
    broadcast: (bytes) => core.queryQueue.enqueue(bytes, bytes.length),
    sendTo: (to, bytes) => deps.net.sendPacket(to, [{ type: "user", payload: bytes }]),
    members: () => core.members.list(),
    numMembers: () => membership?.numAlive() ?? 1,
    localTags: () => core.tags,
    localAddress: () => {
      const local = membership?.localNode();
      return local ? { ip: local.addr, port: local.port } : deps.net.localAddress;
    },
    isRunning: () => state === "alive",
  });
  core.queries = queries;
  const ml = createMembership(config.membership, { net: deps.net, clock, random, logger }, { events: core, delegate: core, ping: deps.ping });
  membership = ml;
  if (deps.snapshots) {
    snapshots = new SnapshotWriter(deps.snapshots, clock, logger, config.snapshotSaveDelayMs, () =>
      core.members
        .list()
        .filter((m) => m.status === "alive" && m.name !== name)
        .map((m) => ({ name: m.name, addr: m.addr, port: m.port })),
    );
  }

  /** Sends our leave intent as a memberlist user message over TCP to up to leaveSyncPeers live peers. */
  const deliverLeaveIntent = async (payload: Uint8Array): Promise<void> => {
    const alive = ml.members().filter((m) => m.name !== name && m.state === "alive");
    const peers = shuffle(alive, random).slice(0, config.membership.leaveSyncPeers);
    await Promise.all(
      peers.map((peer) =>
        deps.net
          .sendStream({ ip: peer.addr, port: peer.port }, { type: "user", payload }, { timeoutMs: Math.min(config.broadcastTimeoutMs, config.membership.tcpTimeoutMs), expectReply: false })
          .catch((error: unknown) => logger.debug("leave: could not hand the leave intent to a peer over TCP", { node: peer.name, error: describeError(error) })),
      ),
    );
  };

  const every = (intervalMs: number, fn: () => void): void => {
    const tick = (): void => {
      timers.delete(timer);
      if (state === "shutdown") return;
      fn();
      timer = clock.setTimer(intervalMs, tick);
      timers.add(timer);
    };
    let timer = clock.setTimer(intervalMs, tick);
    timers.add(timer);
  };

  const wait = (ms: number, register?: (done: () => void) => void): Promise<void> =>
    new Promise((resolve) => {
      const timer = clock.setTimer(ms, () => {
        timers.delete(timer);
        resolve();
      });
      timers.add(timer);
      register?.(() => {
        timer.cancel();
        timers.delete(timer);
        resolve();
      });
    });

  /** serf's reconnect: with probability failed/alive, push/pull with one random failed member. */
  const reconnect = (): void => {
    const failed = core.members.list().filter((m) => m.status === "failed");
    if (failed.length === 0 || state !== "alive") return;
    const alive = Math.max(1, core.members.list().filter((m) => m.status === "alive").length - 1);
    if (random.float() > failed.length / alive) return;
    const target = failed[random.int(failed.length)] as SerfMember;
    ml.join([{ ip: target.addr, port: target.port }]).then(
      () => logger.info("reconnected to a failed member", { node: target.name }),
      (error: unknown) => logger.debug("reconnect attempt failed", { node: target.name, error: describeError(error) }),
    );
  };

  const joinPeers = async (addrs: readonly NetAddress[], ignoreOldEvents: boolean): Promise<number> => {
    core.ignoreEventsOnJoin = ignoreOldEvents;
    try {
      const joined = await ml.join(addrs);
      if (joined > 0) core.broadcastJoin(core.memberClock.time());
      return joined;
    } finally {
      core.ignoreEventsOnJoin = false;
    }
  };

  const serf: Serf = {
    membership: ml,

    async start() {
      if (state !== "created") return 0;
      state = "alive";
      ml.start();
      every(config.reconnectIntervalMs, reconnect);
      every(config.reapIntervalMs, () => core.members.reap(config.reconnectTimeoutMs, config.tombstoneTimeoutMs, config.recentIntentTimeoutMs));
      if (!deps.snapshots) return 0;
      let peers: KnownPeer[] = [];
      try {
        peers = (await deps.snapshots.load()).filter((p) => p.name !== name);
      } catch (error) {
        logger.warn("could not read the member snapshot; starting without it", { error: describeError(error) });
      }
      if (peers.length === 0) return 0;
      try {
        const joined = await joinPeers(peers.map((p) => ({ ip: p.addr, port: p.port })), false);
        logger.info("rejoined peers from the snapshot", { joined, known: peers.length });
        return joined;
      } catch (error) {
        logger.warn("none of the snapshot's peers answered; waiting to be joined", { known: peers.length, error: describeError(error) });
        return 0;
      }
    },

    join(addrs, ignoreOldEvents = config.ignoreOldEventsOnJoin) {
      if (state !== "alive") {
        return Promise.reject(new SatelliteError("serf_not_running", `cannot join while this node is ${state}`, { hint: "start the agent (or restart it after a leave) first" }));
      }
      return joinPeers(addrs, ignoreOldEvents);
    },

    async leave() {
      if (state !== "alive") return;
      state = "leaving";
      const msg = { type: "leave", ltime: core.memberClock.time(), node: name, prune: false } as const;
      core.memberClock.increment();
      core.members.onLeaveIntent(msg);
      if (ml.numAlive() > 1) await wait(config.broadcastTimeoutMs, (done) => core.broadcastIntent(msg, done));
      // Hand the intent over TCP to a few live peers before memberlist says we are gone: a peer
      // that learns "dead" before "leaving" reports the node failed (serf 0.9 does, in its
      // push/pull merge), and gossip alone may spend its retransmits on recently dead peers.
      await deliverLeaveIntent(deps.codec.encode(msg));
      await ml.leave(config.broadcastTimeoutMs);
      if (ml.numAlive() > 0) await wait(config.leavePropagateDelayMs);
      state = "left";
      if (snapshots && !config.rejoinAfterLeave) {
        snapshots.stop();
        await snapshots.write([]);
      }
    },

    async forceLeave(node, prune) {
      if (state !== "alive") {
        throw new SatelliteError("serf_not_running", `cannot force ${node} to leave while this node is ${state}`, { hint: "run force-leave on a running member of the cluster" });
      }
      if (node === name) throw new SatelliteError("force_leave_self", `${node} is this node: a node cannot force itself out`, { hint: "use `satellite leave` to leave gracefully" });
      const msg = { type: "leave", ltime: core.memberClock.time(), node, prune } as const;
      core.memberClock.increment();
      core.members.onLeaveIntent(msg);
      if (ml.numAlive() <= 1) return;
      let delivered = false;
      await wait(config.broadcastTimeoutMs, (done) =>
        core.broadcastIntent(msg, () => {
          delivered = true;
          done();
        }),
      );
      if (!delivered) logger.warn("force-leave: the intent was not sent to every member within the broadcast timeout; gossip goes on spreading it", { node, timeoutMs: config.broadcastTimeoutMs });
    },

    async shutdown() {
      if (state === "shutdown") return;
      state = "shutdown";
      for (const timer of timers) timer.cancel();
      timers.clear();
      queries.shutdown();
      await snapshots?.flush();
      await ml.shutdown();
    },

    members: () => core.members.list(),
    member: (memberName) => core.members.get(memberName),
    localMember: () => core.members.get(name) ?? { name, addr: deps.net.localAddress.ip, port: deps.net.localAddress.port, tags: { ...core.tags }, status: "alive" },

    userEvent(eventName, payload, coalesce = false) {
      const msg = { type: "userEvent", ltime: core.eventClock.time(), name: eventName, payload, cc: coalesce } as const;
      const bytes = deps.codec.encode(msg);
      if (bytes.length > config.userEventSizeLimitBytes) {
        throw new SatelliteError("user_event_too_large", `user event "${eventName}" encodes to ${bytes.length} bytes, over the limit of ${config.userEventSizeLimitBytes}`, {
          hint: "send a smaller payload (a digest) or raise userEventSizeLimitBytes (it must fit in one packet)",
        });
      }
      core.eventClock.increment();
      core.handleUserEvent(msg);
      core.eventQueue.enqueue(bytes, bytes.length);
    },

    query: (params, onResponse) => queries.query(params, onResponse),
    answerQuery: (queryName, handler) => queries.answerQuery(queryName, handler),

    onEvent(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },

    async setTags(tags) {
      const previous = core.tags;
      core.tags = { ...tags };
      try {
        deps.tagCodec.encode(core.tags);
      } catch (error) {
        core.tags = previous;
        throw error;
      }
      await ml.updateNode(config.broadcastTimeoutMs);
    },

    health() {
      const counts = { alive: 0, leaving: 0, left: 0, failed: 0 };
      for (const m of core.members.list()) counts[m.status]++;
      return { ...ml.health(), members: counts, intentsQueued: core.intentQueue.length(), eventsQueued: core.eventQueue.length(), decodeErrors: core.decodeErrors, intentsRejected: core.rejected(), queriesQueued: core.queryQueue.length(), queriesDropped: { ...queries.drops } };
    },
  };
  return serf;
}
