import type { EventStream } from "../events/event-stream.ts";
import type { Probe } from "../events/health-state.ts";
import type { GossipNet, NetAddress } from "../membership/gossip-net.ts";
import { assertNever } from "../platform/assert-never.ts";
import type { Clock, Timer } from "../platform/clock.ts";
import { describeError } from "../platform/errors.ts";
import type { Logger } from "../platform/logger.ts";
import type { Random } from "../platform/random.ts";
import { deltaPayloads } from "./delta-packets.ts";
import { LocalProbeList, type PendingChange } from "./local-probe-list.ts";
import { MessageError } from "./probe-sync-fields.ts";
import type { NodeDetailsReply, SharedTransition } from "./probe-sync-messages.ts";
import { decodeSatelliteMessage, encodeSatelliteMessage } from "./probe-sync-wire.ts";
import { PullScheduler } from "./pull-scheduler.ts";
import { RemoteProbeLists, type RemoteProbeView } from "./remote-probe-lists.ts";
import { satelliteRequest, type SatelliteMessageHandlers } from "./satellite-channel.ts";

/** A member as probe sync needs it. */
export interface SyncPeer {
  name: string;
  addr: NetAddress;
  alive: boolean;
  /** Its tags say it runs Satellite (only those are ever sent Satellite messages). */
  satellite: boolean;
  /** Its digest says it has run its checks (a pull before that finds nothing). */
  reported: boolean;
}

export interface ProbeSyncDeps {
  name: string;
  /** The raw gossip net (sends go through its framing and keyring). */
  net: GossipNet;
  clock: Clock;
  random: Random;
  logger: Logger;
  events: EventStream;
  probes: () => Probe[];
  peers: () => SyncPeer[];
  peer: (name: string) => SyncPeer | undefined;
  details: () => NodeDetailsReply;
}

export interface ProbeSyncOptions {
  /** A failing check whose text alone changed (new numbers in its error) goes out at most this often. */
  textDeltaIntervalMs: number;
  pullTimeoutMs: number;
  pullConcurrency: number;
  pullMinIntervalMs: number;
  /** A gap or a stray hash is given this long for deltas in flight to land before a pull. */
  pullWaitMs: number;
  /** A member back (join, heal) is asked within a random delay up to this, so not all ask at once. */
  pullJitterMs: number;
}

export const DEFAULT_PROBE_SYNC_OPTIONS: ProbeSyncOptions = {
  textDeltaIntervalMs: 60_000,
  pullTimeoutMs: 2000,
  pullConcurrency: 4,
  pullMinIntervalMs: 2000,
  pullWaitMs: 1000,
  pullJitterMs: 1000,
};

export interface ProbeSyncStats {
  deltasSent: number;
  deltaPacketsSent: number;
  deltasReceived: number;
  pulls: number;
  pullsSucceeded: number;
  pullFailures: number;
  requestsAnswered: number;
  /** Satellite messages dropped, by reason. */
  dropped: Record<"malformed" | "unknown_owner" | "unexpected", number>;
  remoteTransitionsPublished: number;
  /** Payload bytes of Satellite messages this node sent (deltas to each peer, requests, answers) and received. */
  bytesSent: number;
  bytesReceived: number;
}

/**
 * Every Satellite node's complete probe list on every Satellite node, over the gossip port
 * (docs/gossip.md, "Probe details over gossip"): this node sends a delta to every Satellite
 * member as soon as one of its probes changes state, and answers catch-up and details
 * requests; it keeps a copy of every other node's list, pulls from the owner when it finds
 * its copy behind (a gap in the deltas, a hash in an ack that differs, a member back from a
 * partition), and publishes the other nodes' ProbeFailed / ProbeSucceeded on its own event
 * stream, each once, with the owner's name and time.
 */
export function createProbeSync(deps: ProbeSyncDeps, options: ProbeSyncOptions = DEFAULT_PROBE_SYNC_OPTIONS) {
  const { clock, logger, name } = deps;
  const startedAtMs = Math.max(1, Math.floor(clock.nowMs()));
  const local = new LocalProbeList(name, startedAtMs);
  const remote = new RemoteProbeLists(startedAtMs);
  const stats: ProbeSyncStats = { deltasSent: 0, deltaPacketsSent: 0, deltasReceived: 0, pulls: 0, pullsSucceeded: 0, pullFailures: 0, requestsAnswered: 0, dropped: { malformed: 0, unknown_owner: 0, unexpected: 0 }, remoteTransitionsPublished: 0, bytesSent: 0, bytesReceived: 0 };
  const countBytes = (sent: number, received: number): void => {
    stats.bytesSent += sent;
    stats.bytesReceived += received;
  };
  let fanoutTimer: Timer | undefined;
  let fanoutAtMs = Infinity;
  let lastFanoutMs = -Infinity;
  let stopped = false;

  const publishRemote = (owner: string, transitions: readonly SharedTransition[]): void => {
    for (const t of transitions) {
      stats.remoteTransitionsPublished++;
      deps.events.publish({
        ts: t.tsMs,
        type: t.failed ? "ProbeFailed" : "ProbeSucceeded",
        node: owner,
        probe: t.probe,
        oldState: t.failed ? "running" : "failed",
        newState: t.failed ? "failed" : "running",
        severity: t.severity,
        error: t.failed ? t.error : undefined,
      });
    }
  };

  const pulls = new PullScheduler({
    clock,
    concurrency: options.pullConcurrency,
    minIntervalMs: options.pullMinIntervalMs,
    wanted: (owner) => {
      const peer = deps.peer(owner);
      return peer !== undefined && peer.alive && peer.satellite && remote.needsPull(owner);
    },
    pull: async (owner) => {
      const peer = deps.peer(owner);
      if (!peer) return;
      stats.pulls++;
      const reply = await satelliteRequest(deps.net, peer.addr, remote.request(owner), options.pullTimeoutMs, countBytes);
      if (reply.type !== "probeListReply" || reply.owner !== owner) throw new MessageError(`expected ${owner}'s probe list, got a ${reply.type} of ${"owner" in reply ? reply.owner : "?"}`);
      stats.pullsSucceeded++;
      publishRemote(owner, remote.applyReply(reply, clock.nowMs()));
    },
    onFailure: (owner, error) => {
      stats.pullFailures++;
      logger.debug("could not fetch a node's probe list; will retry on the next sign it changed", { node: owner, error: describeError(error) });
    },
  });

  const packetBudget = (): number => deps.net.packetBudgetBytes - deps.net.encodedSize({ type: "user", payload: new Uint8Array() });

  const fanout = (): void => {
    fanoutTimer = undefined;
    fanoutAtMs = Infinity;
    if (stopped) return;
    const delta = local.publish();
    if (!delta) return;
    lastFanoutMs = clock.monotonicMs();
    const payloads = deltaPayloads(name, local.epoch, delta, packetBudget());
    stats.deltasSent++;
    for (const peer of deps.peers()) {
      if (peer.name === name || !peer.alive || !peer.satellite) continue;
      for (const payload of payloads) {
        deps.net.sendPacket(peer.addr, [{ type: "user", payload }]);
        stats.bytesSent += payload.length;
      }
      stats.deltaPacketsSent += payloads.length;
    }
  };

  const scheduleFanout = (change: PendingChange): void => {
    if (change === "none" || stopped) return;
    const now = clock.monotonicMs();
    const at = change === "state" ? now : Math.max(now, lastFanoutMs + options.textDeltaIntervalMs);
    if (at >= fanoutAtMs) return;
    fanoutTimer?.cancel();
    fanoutAtMs = at;
    fanoutTimer = clock.setTimer(at - now, fanout);
  };

  const unsubscribe = deps.events.subscribe("probe-sync", (event) => {
    if (!("node" in event) || event.node !== name) return;
    switch (event.type) {
      case "ProbeRun":
        // Published after the node's probes changed: they are what the run left.
        scheduleFanout(local.update(deps.probes()));
        return;
      case "ProbeFailed":
      case "ProbeSucceeded":
        local.addTransition({ tsMs: event.ts, probe: event.probe, failed: event.type === "ProbeFailed", severity: event.severity, error: event.error });
        scheduleFanout("state");
        return;
      case "NodeAdded":
      case "NodeUpdated":
      case "NodeFailed":
      case "NodeLeft":
      case "NodeRemoved":
      case "NodeDegraded":
      case "NodeHealthy":
      case "TagsChanged":
      case "MaintenanceStarted":
      case "MaintenanceEnded":
      case "ExecRan":
      case "KeyringChanged":
        return;
      default:
        assertNever(event, "event");
    }
  });

  const handlers: SatelliteMessageHandlers = {
    onPacket(payload) {
      if (stopped) return;
      stats.bytesReceived += payload.length;
      let msg;
      try {
        msg = decodeSatelliteMessage(payload);
      } catch (error) {
        stats.dropped.malformed++;
        logger.debug("dropping a malformed Satellite message", { bytes: payload.length, error: describeError(error) });
        return;
      }
      if (msg.type !== "probeDelta") return void stats.dropped.unexpected++;
      const owner = deps.peer(msg.owner);
      if (msg.owner === name || !owner?.satellite) return void stats.dropped.unknown_owner++;
      stats.deltasReceived++;
      publishRemote(msg.owner, remote.applyDelta(msg, clock.nowMs()));
      if (remote.needsPull(msg.owner)) pulls.schedule(msg.owner, options.pullWaitMs);
    },
    async onRequest(payload) {
      if (stopped) return undefined;
      stats.bytesReceived += payload.length;
      let msg;
      try {
        msg = decodeSatelliteMessage(payload);
      } catch (error) {
        stats.dropped.malformed++;
        logger.debug("dropping a malformed Satellite request", { bytes: payload.length, error: describeError(error) });
        return undefined;
      }
      if ((msg.type !== "probeListRequest" && msg.type !== "nodeDetailsRequest") || msg.owner !== name) return void stats.dropped.unexpected++;
      stats.requestsAnswered++;
      const reply = encodeSatelliteMessage(msg.type === "probeListRequest" ? local.answer(msg) : deps.details());
      stats.bytesSent += reply.length;
      return reply;
    },
  };

  return {
    handlers,
    /** The hash of this node's published list, for the acks it sends. */
    ackStamp: (): number => local.stamp(),
    /** The hash an ack from `owner` carried. */
    noteAck(owner: string, stamp: number): void {
      if (stopped || !deps.peer(owner)?.satellite) return;
      if (remote.noteStamp(owner, stamp, clock.nowMs())) pulls.schedule(owner, options.pullWaitMs);
    },
    /**
     * A member joined, came back (a healed partition, a restart) or changed its tags: when it
     * runs Satellite and has reported, make sure our copy of its list is current.
     */
    memberSeen(owner: string, cameBack: boolean): void {
      const peer = deps.peer(owner);
      if (stopped || owner === name || !peer?.satellite || !peer.reported) return;
      if (cameBack) remote.suspect(owner);
      if (remote.needsPull(owner)) pulls.schedule(owner, deps.random.float() * options.pullJitterMs);
    },
    /** A member left or was reaped: its list is no longer shown. */
    memberGone(owner: string): void {
      remote.forget(owner);
      pulls.cancel(owner);
    },
    view: (owner: string): RemoteProbeView | undefined => remote.view(owner),
    /** Forgets lists of nodes that are no longer members; call about once a second. */
    tick(): void {
      const members = new Set(deps.peers().map((p) => p.name));
      for (const owner of remote.owners()) if (!members.has(owner)) remote.forget(owner);
    },
    /** Asks `owner` for its details over the gossip port. */
    async requestDetails(owner: string, timeoutMs: number): Promise<NodeDetailsReply> {
      const peer = deps.peer(owner);
      if (!peer?.alive || !peer.satellite) throw new MessageError(`${owner} is not a live Satellite member`);
      const reply = await satelliteRequest(deps.net, peer.addr, { type: "nodeDetailsRequest", owner }, timeoutMs, countBytes);
      if (reply.type !== "nodeDetailsReply" || reply.owner !== owner) throw new MessageError(`expected ${owner}'s details, got a ${reply.type}`);
      return reply;
    },
    stats: (): ProbeSyncStats => ({ ...stats, dropped: { ...stats.dropped } }),
    stop(): void {
      stopped = true;
      unsubscribe();
      fanoutTimer?.cancel();
      pulls.stop();
    },
  };
}

export type ProbeSync = ReturnType<typeof createProbeSync>;
