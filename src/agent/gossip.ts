import { join as joinPath } from "node:path";
import type { MemberView, MembershipSource, ReadinessCheck } from "../api/api-deps.ts";
import { apiPortTags } from "../cluster/api-port-tag.ts";
import { withoutDigestTags } from "../cluster/health-digest.ts";
import type { MemberInfo } from "../cluster/cluster-view.ts";
import type { SerfCodec, TagCodec } from "../cluster/serf-messages.ts";
import { decodeSerfMessage, decodeTags, encodeSerfMessage, encodeTags } from "../cluster/serf-wire.ts";
import type { SatelliteMessageRoute } from "../cluster/satellite-channel.ts";
import { createClusterMember, type ClusterMember, type ClusterMemberDeps } from "../cluster/cluster-member.ts";
import { parseHostPort, type HostPort } from "../config/addresses.ts";
import { API_PORT_DEFAULT } from "../config/schema.ts";
import { parseDurationMs } from "../config/duration.ts";
import { parsePeerAddress, PEER_ADDRESS_FORMS } from "../config/peer-address.ts";
import type { AgentConfig } from "../config/load.ts";
import { lanConfig, localConfig, wanConfig } from "../membership/config-presets.ts";
import type { NetAddress } from "../membership/gossip-net.ts";
import { isIpLiteral } from "../membership/wire/ip.ts";
import { SatelliteError, describeError } from "../platform/errors.ts";
import { loadKeyring } from "./gossip-keyring.ts";
import { kvNodeTags } from "../kv/kv-placement.ts";
import { MutableKeyring } from "../membership/wire/mutable-keyring.ts";
import { notifierGossipTags } from "./notifications.ts";
import type { EventStream } from "../events/event-stream.ts";
import type { AgentGossipNet, AgentGossipNetStats, AgentPlatform } from "./platform-deps.ts";

export const serfCodec: SerfCodec = { encode: encodeSerfMessage, decode: decodeSerfMessage };
export const tagCodec: TagCodec = { encode: encodeTags, decode: decodeTags };

const PRESETS = { lan: lanConfig, wan: wanConfig, local: localConfig } as const;

export interface Gossip {
  member: ClusterMember;
  /** Packet, byte and drop counters of the UDP/TCP net since start. */
  netStats(): AgentGossipNetStats;
  advertised: HostPort;
  /** The gossip keyring, changed in place by key rotation (serf keys); absent without encryption. */
  keyring: MutableKeyring | undefined;
  members(): MemberInfo[];
  membershipSource(onLeft: () => void): MembershipSource;
  readiness(): ReadinessCheck;
  /** Joins `--initial-cluster` in the background, retrying with backoff until one peer answers. */
  joinInitialCluster(): void;
  /** Gossips these detected tags beside the static ones (docs/detectors.md). */
  setDetectedTags(tags: Record<string, string>): void;
  /** `leave`: tell the cluster first (peers see left); otherwise just stop (peers see failed). Later calls return the first one's promise. */
  stop(leave: boolean): Promise<void>;
}

/** Starts the gossip layer: UDP/TCP net, SWIM membership, serf layer, known-peer snapshot. */
/** A Satellite member that reported no status this long after joining counts as silent. */
const STATUS_STALENESS_MS = 60_000;
/** Health changes within this window are gossiped as one digest update. */
const DIGEST_COALESCE_MS = 200;

export async function startGossip(
  config: AgentConfig,
  platform: AgentPlatform,
  health: ClusterMemberDeps["health"],
  events: EventStream,
  /** Satellite messages for parts above the cluster layer (the key-value store), by first byte. */
  satelliteRoutes: readonly SatelliteMessageRoute[] = [],
): Promise<Gossip> {
  const { clock, random } = platform;
  const logger = platform.logger.child({ part: "gossip" });
  const bind = parseHostPort(config.gossipAddr, 7946) as HostPort;
  const advertise = config.advertiseAddr ? (parseHostPort(config.advertiseAddr, bind.port) as HostPort) : undefined;
  const loadedKeyring = loadKeyring(config);
  const keyring = loadedKeyring && new MutableKeyring(loadedKeyring.keys);
  let net: AgentGossipNet;
  try {
    net = await platform.openGossipNet({
      bindAddr: await platform.resolveHost(bind.host),
      bindPort: bind.port,
      advertiseAddr: advertise ? await platform.resolveHost(advertise.host) : undefined,
      keyring,
      logger,
      clock,
    });
  } catch (error) {
    throw new SatelliteError("GOSSIP_LISTEN_FAILED", `cannot start gossip on ${config.gossipAddr}: ${describeError(error)}`, {
      hint: "another agent (or serf) may use the port; pick another --gossip-addr, or check the address exists on this host",
      cause: error,
    });
  }
  const advertised = { host: net.localAddress.ip, port: advertise?.port || net.localAddress.port };
  const satelliteTags = { ...notifierGossipTags(config), ...apiPortTags(firstApiPort(config.rpcAddr)), ...kvNodeTags(config.kv) };
  const member = createClusterMember(
    { membership: PRESETS[config.profile](config.name), tags: { ...config.tags, ...satelliteTags }, stalenessLimitMs: STATUS_STALENESS_MS, digestCoalesceMs: DIGEST_COALESCE_MS, serf: memberTimeouts(config) },
    { net, clock, random, logger: platform.logger, codec: serfCodec, tagCodec, snapshots: platform.peerSnapshots(joinPath(config.stateDir, "peers.json"), logger), health, events, satelliteRoutes },
  );
  const { serf } = member;
  const rejoined = await serf.start();
  if (rejoined > 0) logger.info("rejoined known peers from the last run", { answered: rejoined });

  /** Every address of every peer: a name is tried at each A/AAAA address it has (a headless Service as the seed), each address once. */
  const resolvePeers = async (addresses: readonly string[]): Promise<NetAddress[]> => {
    const out: NetAddress[] = [];
    const seen = new Set<string>();
    for (const text of addresses) {
      // The --initial-cluster grammar (name:host and name:host:port too) for every join.
      const hp = parsePeerAddress(text, 7946);
      if (typeof hp === "string") throw new SatelliteError("JOIN_ADDRESS_INVALID", hp, { hint: `use ${PEER_ADDRESS_FORMS} of a peer's gossip port` });
      try {
        const ips = platform.resolveHostAll ? await platform.resolveHostAll(hp.host) : [await platform.resolveHost(hp.host)];
        for (const ip of ips) {
          const key = `${ip}|${hp.port}`;
          if (seen.has(key)) continue;
          seen.add(key);
          out.push({ ip, port: hp.port });
        }
      } catch (error) {
        logger.warn("cannot resolve peer address", { peer: text, error: describeError(error) });
      }
    }
    return out;
  };
  /**
   * The peers when every address is an IP literal (the usual --initial-cluster): no lookup, so no
   * await comes before the push/pull's connect and the join leaves within joinInitialCluster().
   */
  const literalPeers = (addresses: readonly string[]): NetAddress[] | undefined => {
    const out = new Map<string, NetAddress>();
    for (const text of addresses) {
      const hp = parsePeerAddress(text, 7946);
      if (typeof hp === "string" || !isIpLiteral(hp.host)) return undefined;
      out.set(`${hp.host}|${hp.port}`, { ip: hp.host, port: hp.port });
    }
    return [...out.values()];
  };
  const join = async (addresses: readonly string[]): Promise<number> => {
    const targets = literalPeers(addresses) ?? (await resolvePeers(addresses));
    if (targets.length === 0) return 0;
    try {
      return await serf.join(targets);
    } catch (error) {
      logger.warn("join failed", { peers: addresses.join(","), error: describeError(error) });
      return 0;
    }
  };

  let stopped = false;
  let stopping: Promise<void> | undefined;
  const members = member.members;
  return {
    member,
    netStats: () => net.stats(),
    advertised,
    keyring,
    members,
    membershipSource: (onLeft) => ({
      list: (): MemberView[] => members().map((m) => ({ name: m.name, addr: formatAddr(m), status: m.status, tags: withoutDigestTags(m.tags) })),
      join,
      leave: async () => {
        await serf.leave();
        onLeft();
      },
      forceLeave: async (node, prune) => {
        if (node === config.name) return { outcome: "self" };
        if (!serf.members().some((m) => m.name === node)) return { outcome: "unknown" };
        await serf.forceLeave(node, prune);
        logger.info("forced a member out", { node, prune });
        const after = members().find((m) => m.name === node);
        return { outcome: "done", member: after && { name: after.name, addr: formatAddr(after), status: after.status, tags: withoutDigestTags(after.tags) } };
      },
    }),
    readiness: () => {
      const health = serf.health();
      if (health.udpSeemsBlocked) {
        return { name: "gossip", ok: false, message: `UDP seems blocked: ${health.consecutiveTcpOnly} probes in a row answered only over TCP; open UDP ${advertised.port} between nodes` };
      }
      return { name: "gossip", ok: true };
    },
    // Static tags after the detected ones: a detector never replaces them (checked at start).
    setDetectedTags: (detected) => member.setUserTags({ ...detected, ...config.tags, ...satelliteTags }),
    joinInitialCluster: () => {
      if (config.initialCluster.length === 0) return;
      let delayMs = 1000;
      const attempt = async (): Promise<void> => {
        if (stopped) return;
        const joined = await join(config.initialCluster);
        if (joined > 0) {
          logger.info("joined the initial cluster", { answered: joined, of: config.initialCluster.length });
          return;
        }
        logger.warn("no initial-cluster peer answered; retrying", { peers: config.initialCluster.join(","), retryInMs: delayMs });
        clock.setTimer(delayMs * (0.8 + 0.4 * random.float()), () => void attempt());
        delayMs = Math.min(delayMs * 2, 30_000);
      };
      void attempt();
    },
    stop: (leave) =>
      (stopping ??= (async () => {
        stopped = true;
        if (leave && serf.localMember().status === "alive") await serf.leave().catch((error: unknown) => logger.warn("graceful leave failed", { error: describeError(error) }));
        member.stop();
        await serf.shutdown();
      })()),
  };
}

/** The schema bounds both durations, so they parse. */
function memberTimeouts(config: AgentConfig): { reconnectTimeoutMs: number; tombstoneTimeoutMs: number } {
  return { reconnectTimeoutMs: parseDurationMs(config.reconnectTimeout) ?? 0, tombstoneTimeoutMs: parseDurationMs(config.tombstoneTimeout) ?? 0 };
}

function formatAddr(m: MemberInfo): string {
  return m.addr.includes(":") ? `[${m.addr}]:${m.port}` : `${m.addr}:${m.port}`;
}

/** The port of the first `--rpc-addr`, gossiped so other nodes can point clients at this API (0: none yet). */
function firstApiPort(rpcAddr: readonly string[]): number {
  const parsed = parseHostPort(rpcAddr[0] ?? "", API_PORT_DEFAULT);
  return typeof parsed === "string" ? 0 : parsed.port;
}
