import { tagCodec } from "../agent/gossip.ts";
import type { MemberSnapshotStore } from "../cluster/serf-snapshot.ts";
import { defaultSerfConfig } from "../cluster/serf-config.ts";
import { createSerf, type Serf } from "../cluster/serf.ts";
import { decodeSerfMessage, encodeSerfMessage } from "../cluster/serf-wire.ts";
import { lanConfig } from "../membership/config-presets.ts";
import type { MembershipConfig } from "../membership/config.ts";
import { createUdpTcpGossipNet } from "../membership/udp-tcp-net.ts";
import type { Keyring } from "../membership/wire/index.ts";
import { systemClock, type Clock } from "../platform/clock.ts";
import { silentLogger, type Logger } from "../platform/logger.ts";
import { createSystemRandom, type Random } from "../platform/random.ts";
import type { RawSockets } from "../platform/raw-sockets.ts";

export interface GossipMemberOptions {
  name: string;
  /** IP literal to bind; "0.0.0.0" for every interface. */
  bindAddr: string;
  /** 0 picks a free port (UDP and TCP alike). */
  bindPort: number;
  /** The address peers should use; the bind address (or the first private IPv4) by default. */
  advertiseAddr?: string;
  tags?: Record<string, string>;
  /** serf's AES-GCM keyring (`parseKeyring`); the cluster is unencrypted without it. */
  keyring?: Keyring;
  /** Timings; memberlist's LAN preset (`lanConfig(name)`) by default. */
  membership?: MembershipConfig;
  /** Known peers across restarts; none by default. */
  snapshots?: MemberSnapshotStore;
  clock?: Clock;
  random?: Random;
  logger?: Logger;
  /** The runtime's sockets: Bun's by default, `denoRawSockets` on Deno. */
  sockets?: RawSockets;
}

/**
 * The membership layer alone: a serf 0.9 compatible member (SWIM with Lifeguard, tags, user
 * events, graceful leave) over real UDP/TCP, started. Follow it with `onEvent`; `join` real
 * serf agents or other Satellites; `leave()` then `shutdown()` to go.
 */
export async function startGossipMember(options: GossipMemberOptions): Promise<Serf> {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? silentLogger;
  const net = await createUdpTcpGossipNet({
    bindAddr: options.bindAddr,
    bindPort: options.bindPort,
    advertiseAddr: options.advertiseAddr,
    keyring: options.keyring,
    compression: true,
    logger,
    clock,
    sockets: options.sockets,
  });
  const membership = options.membership ?? lanConfig(options.name);
  const serf = createSerf(defaultSerfConfig({ ...membership, name: options.name }, options.tags ?? {}), {
    net,
    clock,
    random: options.random ?? createSystemRandom(),
    logger,
    codec: { encode: encodeSerfMessage, decode: decodeSerfMessage },
    tagCodec,
    snapshots: options.snapshots,
  });
  await serf.start();
  return serf;
}
