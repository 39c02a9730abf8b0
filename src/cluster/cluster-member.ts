import type { MembershipConfig } from "../membership/config.ts";
import type { GossipNet, NetAddress } from "../membership/gossip-net.ts";
import type { Clock, Timer } from "../platform/clock.ts";
import type { Logger } from "../platform/logger.ts";
import type { Random } from "../platform/random.ts";
import type { NodeStatus, Probe } from "../events/health-state.ts";
import type { EventStream } from "../events/event-stream.ts";
import { assertNever } from "../platform/assert-never.ts";
import { appendAckTrailer, clockOffsetMs, readListHash, readWallClock } from "./ack-clock.ts";
import { createClusterTracking } from "./cluster-tracking.ts";
import { ClusterView, memberDigest, type MemberInfo } from "./cluster-view.ts";
import { createDigestPublisher } from "./digest-publisher.ts";
import { createLocalDetails } from "./node-details.ts";
import { PeerMeasurements } from "./peer-measurements.ts";
import { createProbeSync, DEFAULT_PROBE_SYNC_OPTIONS, type ProbeSync, type ProbeSyncOptions, type SyncPeer } from "./probe-sync.ts";
import { createRemoteDetails } from "./remote-details.ts";
import { routeSatelliteMessages, satelliteRequestBytes, withSatelliteMessages, type SatelliteMessageRoute } from "./satellite-channel.ts";
import type { NodeStatusJson } from "./status-json.ts";
import { defaultSerfConfig, type SerfConfig } from "./serf-config.ts";
import type { SerfEvent } from "./serf-core.ts";
import type { SerfCodec, TagCodec } from "./serf-messages.ts";
import type { MemberSnapshotStore } from "./serf-snapshot.ts";
import { encodeAckPayload, zeroCoordinate } from "./serf-wire-meta.ts";
import { createSerf, type Serf } from "./serf.ts";

/** We keep no Vivaldi coordinate: every ack carries serf's fresh one, encoded once (acks are the hot path). */
const ZERO_COORDINATE_PAYLOAD = encodeAckPayload(zeroCoordinate());

/** Member events within this window produce one timeline look (and so one set of events). */
const MEMBER_EVENT_COALESCE_MS = 250;
/** The window while changes keep coming (a look within the last BUSY_AFTER_MS): one look a second. */
const MEMBER_EVENT_COALESCE_BUSY_MS = 1000;
const BUSY_AFTER_MS = 2000;

export interface ClusterMemberDeps {
  net: GossipNet;
  clock: Clock;
  random: Random;
  logger: Logger;
  codec: SerfCodec;
  tagCodec: TagCodec;
  snapshots?: MemberSnapshotStore;
  /** This node's own health (its probes after flap damping). */
  health: () => { status: NodeStatus; probes: Probe[] };
  /**
   * The agent's event stream: membership, user and cluster events are published on it, and
   * this node's ProbeRun / NodeDegraded / NodeHealthy events on it drive the digest and the view.
   */
  events: EventStream;
  /** Satellite messages handled outside the cluster layer, by first byte (the key-value store's). */
  satelliteRoutes?: readonly SatelliteMessageRoute[];
}

export interface ClusterMemberOptions {
  membership: MembershipConfig;
  /** The operator's tags; the health digest is added to them. */
  tags: Record<string, string>;
  /** A Satellite member that reported no status this long after joining counts as silent. */
  stalenessLimitMs: number;
  /** Health changes within this window are gossiped as one digest. */
  digestCoalesceMs: number;
  /** Probe lists over gossip (defaults: DEFAULT_PROBE_SYNC_OPTIONS). */
  probeSync?: ProbeSyncOptions;
  /** How long failed members are retried and left ones remembered (defaults: serf's 24 h each). */
  serf?: Partial<Pick<SerfConfig, "reconnectTimeoutMs" | "tombstoneTimeoutMs">>;
}

/** A node asked for its details over gossip must answer within this (`/status?details`). */
const DETAILS_TIMEOUT_MS = 500;
/** Details answers (and failures) are reused this long. */
const DETAILS_CACHE_MS = 5000;
/** Details requests in flight at once. */
const DETAILS_CONCURRENCY = 32;

export interface ClusterMember {
  serf: Serf;
  peers: PeerMeasurements;
  view: ClusterView;
  /** Every Satellite node's probe list on this node, and this node's on every other. */
  probeSync: ProbeSync;
  members(): MemberInfo[];
  /** Every node with its details (`/status?details`): this node's own, and each live Satellite node's over gossip. */
  withDetails(nodes: readonly NodeStatusJson[]): Promise<NodeStatusJson[]>;
  /**
   * Re-reads the view now. Not needed on a schedule: member events, digests, local status and
   * maintenance changes re-read it, and a timer waits for the next staleness deadline.
   */
  tick(): void;
  /** Sends an encoded Satellite request to a member's gossip address; the reply's payload (kv/ uses it). */
  satelliteRequest(to: NetAddress, payload: Uint8Array, timeoutMs: number): Promise<Uint8Array | undefined>;
  /** Sends an encoded Satellite message to a member as one packet, best effort. */
  satellitePacket(to: NetAddress, payload: Uint8Array): void;
  /** Replaces the operator's tags (static and detected; the digest is added) and gossips them. */
  setUserTags(tags: Record<string, string>): void;
  stop(): void;
}

/**
 * One Satellite node's part of the cluster, independent of sockets: the serf layer over any
 * GossipNet, its health digest in the tags, the wall clock in acks (time drift), RTT and loss
 * per peer, and the cluster view with its timeline. The agent runs it over UDP/TCP; the
 * simulation over a simulated network.
 */
export function createClusterMember(options: ClusterMemberOptions, deps: ClusterMemberDeps): ClusterMember {
  const { clock, logger } = deps;
  const name = options.membership.name;
  const peers = new PeerMeasurements();
  let serf: Serf | undefined;
  const syncPeer = (m: { name: string; addr: string; port: number; tags: Readonly<Record<string, string>>; status: string }): SyncPeer => {
    const digest = memberDigest(m.tags);
    return { name: m.name, addr: { ip: m.addr, port: m.port }, alive: m.status === "alive", satellite: digest !== undefined, reported: digest !== undefined && digest.status !== "unknown" };
  };
  const localDetails = createLocalDetails({ name, events: deps.events, probes: () => deps.health().probes, peers: () => peers.snapshot() });
  const probeSync = createProbeSync(
    {
      name,
      net: deps.net,
      clock,
      random: deps.random,
      logger: logger.child({ part: "probe-sync" }),
      events: deps.events,
      probes: () => deps.health().probes,
      peers: () => (serf?.members() ?? []).map(syncPeer),
      peer: (peerName) => {
        const m = serf?.member(peerName);
        return m ? syncPeer(m) : undefined;
      },
      details: () => localDetails.reply(),
    },
    options.probeSync ?? DEFAULT_PROBE_SYNC_OPTIONS,
  );
  const publisher = createDigestPublisher({
    clock,
    logger,
    tagCodec: deps.tagCodec,
    userTags: options.tags,
    setTags: (tags) => serf?.setTags(tags) ?? Promise.resolve(),
    health: deps.health,
    coalesceMs: options.digestCoalesceMs,
  });
  serf = createSerf({ ...defaultSerfConfig(options.membership, publisher.initialTags()), ...options.serf }, {
    // Satellite's own messages (probe lists, details) are taken out before memberlist sees them.
    net: withSatelliteMessages(deps.net, routeSatelliteMessages(probeSync.handlers, deps.satelliteRoutes ?? [])),
    clock,
    random: deps.random,
    logger,
    codec: deps.codec,
    tagCodec: deps.tagCodec,
    snapshots: deps.snapshots,
    ping: {
      ackPayload: () => appendAckTrailer(ZERO_COORDINATE_PAYLOAD, clock.nowMs(), probeSync.ackStamp()),
      notifyPingComplete: (node, rttMs, payload) => {
        const peerWall = readWallClock(payload);
        peers.recordAck(node.name, rttMs, clock.monotonicMs(), peerWall === undefined ? undefined : clockOffsetMs(peerWall, rttMs, clock.nowMs()));
        const listHash = readListHash(payload);
        if (listHash !== undefined) probeSync.noteAck(node.name, listHash);
      },
      notifyPingMissed: (node) => peers.recordMiss(node.name, clock.monotonicMs()),
    },
  });
  const members = (): MemberInfo[] => (serf as Serf).members().map((m) => ({ name: m.name, addr: m.addr, port: m.port, tags: m.tags, status: m.status }));
  const local = () => {
    const { status, probes } = deps.health();
    return { name, node_name: name, status: status === "unknown" ? undefined : status, probes };
  };
  const view = new ClusterView({
    localName: name,
    members,
    local,
    monotonicMs: () => clock.monotonicMs(),
    wallMs: () => clock.nowMs(),
    stalenessLimitMs: options.stalenessLimitMs,
    remoteProbes: (peerName) => probeSync.view(peerName),
  });
  const remoteDetails = createRemoteDetails({
    clock,
    request: (peerName, timeoutMs) => probeSync.requestDetails(peerName, timeoutMs),
    local: () => localDetails.reply(),
    askable: (peerName) => {
      const m = serf?.member(peerName);
      return m !== undefined && m.status === "alive" && memberDigest(m.tags) !== undefined;
    },
    timeoutMs: DETAILS_TIMEOUT_MS,
    cacheMs: DETAILS_CACHE_MS,
    concurrency: DETAILS_CONCURRENCY,
  });
  const tracking = createClusterTracking(name, view, deps.events);
  let pendingRefresh: Timer | undefined;
  let lastMemberLookMs = -Infinity;
  // Armed for the next moment time alone changes the view (a silent node becomes stale); every
  // other change arrives as an event, so an idle cluster sets no timer here.
  let staleTimer: Timer | undefined;
  const refresh = (atMs: number): void => {
    tracking.refresh(atMs);
    staleTimer?.cancel();
    staleTimer = undefined;
    const staleAtMs = view.nextStaleAtMs();
    if (staleAtMs === undefined) return;
    staleTimer = clock.setTimer(Math.max(0, staleAtMs - clock.monotonicMs()), () => {
      staleTimer = undefined;
      refresh(clock.nowMs());
    });
  };
  serf.onEvent((event) => {
    publishSerfEvent(deps.events, event);
    if (event.type === "user") return;
    const m = event.member;
    // One stable line per membership change (member-join name=... addr=...): tools parse it.
    logger.info(event.type, { name: m.name, addr: `${m.addr}:${m.port}` });
    if (event.type === "member-leave" || event.type === "member-reap") {
      peers.forget(m.name);
      probeSync.memberGone(m.name);
    }
    if (event.type === "member-join" || event.type === "member-update") probeSync.memberSeen(m.name, event.type === "member-join");
    // A join burst brings hundreds of member events; re-reading the whole view for each one
    // is O(members) apiece, so events within a short window share one look, and while changes
    // keep coming the window is wider. A lone change is still seen within 250 ms.
    if (pendingRefresh) return;
    const busy = clock.monotonicMs() - lastMemberLookMs < BUSY_AFTER_MS;
    pendingRefresh = clock.setTimer(busy ? MEMBER_EVENT_COALESCE_BUSY_MS : MEMBER_EVENT_COALESCE_MS, () => {
      pendingRefresh = undefined;
      lastMemberLookMs = clock.monotonicMs();
      refresh(clock.nowMs());
      probeSync.tick();
    });
  });
  const unsubscribe = deps.events.subscribe("cluster-view", (event) => {
    switch (event.type) {
      case "ProbeRun":
        // Cheap when the failing set did not change; the digest goes out only on change.
        if (event.node === name) publisher.changed();
        return;
      case "NodeDegraded":
      case "NodeHealthy":
        // This node's own status changed: the cluster verdict may follow in the same instant.
        if (event.node === name) refresh(event.ts);
        return;
      case "ProbeFailed":
      case "ProbeSucceeded":
      case "NodeAdded":
      case "NodeUpdated":
      case "NodeFailed":
      case "NodeLeft":
      case "NodeRemoved":
      case "ClusterDegraded":
      case "ClusterHealthy":
      case "UserEvent":
      case "StoreWriteFailed":
      case "NotificationSent":
      case "NotificationFailed":
      case "TagsChanged":
      case "ExecRan":
      case "KeyringChanged":
      case "KvChanged":
        return;
      case "MaintenanceStarted":
      case "MaintenanceEnded":
        // Muting changes the verdict: look again now.
        refresh(event.ts);
        return;
      default:
        assertNever(event, "event");
    }
  });
  return {
    serf,
    peers,
    view,
    probeSync,
    members,
    withDetails: (nodes) => remoteDetails.enrich(nodes, name),
    tick: () => {
      refresh(clock.nowMs());
      probeSync.tick();
    },
    setUserTags: (tags) => publisher.setUserTags(tags),
    satelliteRequest: (to, payload, timeoutMs) => satelliteRequestBytes(deps.net, to, payload, timeoutMs),
    satellitePacket: (to, payload) => deps.net.sendPacket(to, [{ type: "user", payload }]),
    stop: () => {
      unsubscribe();
      publisher.stop();
      probeSync.stop();
      localDetails.stop();
      pendingRefresh?.cancel();
      staleTimer?.cancel();
    },
  };
}

/** serf's member and user events as agent events; joins and reaps show through the view (NodeAdded, NodeRemoved). */
function publishSerfEvent(events: Pick<EventStream, "publish">, event: SerfEvent): void {
  switch (event.type) {
    case "user": {
      const text = utf8OrUndefined(event.payload);
      events.publish({
        type: "UserEvent",
        name: event.name,
        payload: text ?? Buffer.from(event.payload).toString("base64"),
        payloadEncoding: text === undefined ? "base64" : "utf8",
        ltime: event.ltime,
        coalesce: event.coalesce,
      });
      return;
    }
    case "member-update":
      events.publish({ type: "NodeUpdated", node: event.member.name, addr: `${event.member.addr}:${event.member.port}`, newState: event.member.status });
      return;
    case "member-failed":
      events.publish({ type: "NodeFailed", node: event.member.name, addr: `${event.member.addr}:${event.member.port}`, newState: "failed" });
      return;
    case "member-leave":
      events.publish({ type: "NodeLeft", node: event.member.name, addr: `${event.member.addr}:${event.member.port}`, newState: "left" });
      return;
    case "member-join":
    case "member-reap":
      return;
    default:
      assertNever(event, "serf event");
  }
}

const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

function utf8OrUndefined(bytes: Uint8Array): string | undefined {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return undefined;
  }
}
