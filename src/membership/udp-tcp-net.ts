import { networkInterfaces } from "node:os";
import { formatAddress, type GossipNet, type GossipNetHandlers, type GossipNetStats, type NetAddress } from "./gossip-net.ts";
import type { GossipMessage } from "./messages.ts";
import type { Keyring } from "./wire/keyring.ts";
import { encodeMessage } from "./wire/message-codec.ts";
import {
  COMPOUND_HEADER_OVERHEAD,
  COMPOUND_PART_OVERHEAD,
  CRC_OVERHEAD,
  ENCRYPT_OVERHEAD,
  UDP_PACKET_LIMIT,
} from "./wire/message-type.ts";
import { decodePacket, encodePacketParts, PACKET_REQUESTS_MAX } from "./wire/packet.ts";
import { DEFAULT_STREAM_LIMITS, IncomingStreams, type StreamFailureReason, type StreamLimits } from "./stream-admission.ts";
import { encodeStreamBody } from "./wire/stream-codec.ts";
import { DROP_REASONS, type DropReason } from "./wire/wire-error.ts";
import type { TcpConn, TcpConnHandlers, TcpListener, UdpEndpoint } from "../platform/bun-sockets.ts";
import { bunRawSockets, type RawSockets } from "../platform/raw-sockets.ts";
import type { Clock } from "../platform/clock.ts";
import { describeError, SatelliteError } from "../platform/errors.ts";
import { bindTcpAndUdpOnOnePort } from "../platform/same-port-bind.ts";
import type { Logger } from "../platform/logger.ts";
import { secureRandomBytes, type SecureRandomBytes } from "../platform/secure-random.ts";
import { acceptStream, closeAllStreams, openStream, type StreamContext } from "./udp-tcp-streams.ts";

/**
 * The real GossipNet: memberlist's wire format over UDP (packets) and TCP (streams) on one
 * port, byte-compatible with serf 0.9. Sending never throws; every dropped packet is
 * counted by reason.
 */
export interface UdpTcpGossipNetOptions {
  /** IP literal to bind ("0.0.0.0" for all interfaces). */
  bindAddr: string;
  /** 0 picks a free port (the same for UDP and TCP). */
  bindPort: number;
  /** The address peers should use; defaults to bindAddr (or the first private IPv4 when binding all). */
  advertiseAddr?: string;
  keyring?: Keyring;
  compression: boolean;
  logger: Logger;
  clock: Clock;
  /** Incoming stream deadline (memberlist TCPTimeout, 10 s). */
  streamTimeoutMs?: number;
  /** Bounds of incoming streams (stream-admission.ts); each field defaults to DEFAULT_STREAM_LIMITS. */
  streamLimits?: Partial<StreamLimits>;
  random?: SecureRandomBytes;
  /** The runtime's sockets; Bun's when absent (Deno's: platform/deno-sockets.ts). */
  sockets?: RawSockets;
}

export interface UdpTcpGossipNetStats extends GossipNetStats {
  /** packetsDropped counts each dropped packet, or each dropped part of a compound packet, once. */
  dropsByReason: Record<DropReason, number>;
  /** Packets that could not be sent (socket error, message too large, encode failure). */
  sendFailures: number;
  /** Incoming streams that failed (malformed, timed out, refused for being over the limit). */
  streamsFailed: number;
  /** streamsFailed by reason. */
  streamFailuresByReason: Record<StreamFailureReason, number>;
  /** Incoming streams being served now, and the memory they hold. */
  streamsActive: number;
  streamMemoryBytes: number;
}

export interface UdpTcpGossipNet extends GossipNet {
  /**
   * Records a peer's highest protocol version; gossip packets (those not starting with a
   * ping/ack/nack/indirect ping) toward peers with pmax >= 5 carry a CRC, as memberlist
   * sends them. Unknown peers get none; receiving, the CRC is optional and checked if present.
   */
  setPeerProtocolMax(addr: NetAddress, pmax: number): void;
  stats(): UdpTcpGossipNetStats;
}

const PROBE_TYPES = new Set<GossipMessage["type"]>(["ping", "indirectPing", "ack", "nack", "err"]);

const NO_HANDLERS: GossipNetHandlers = { onPacketMessage: () => {}, onStreamMessage: async () => undefined };

export async function createUdpTcpGossipNet(options: UdpTcpGossipNetOptions): Promise<UdpTcpGossipNet> {
  const log = options.logger.child({ component: "gossip-net" });
  const random = options.random ?? secureRandomBytes;
  const packetOverhead = CRC_OVERHEAD + (options.keyring ? ENCRYPT_OVERHEAD : 0);
  const peerPmax = new Map<string, number>();
  const drops = Object.fromEntries(
    DROP_REASONS.map((r) => [r, 0]),
  ) as Record<DropReason, number>;
  const counters = { packetsSent: 0, packetsReceived: 0, bytesSent: 0, bytesReceived: 0, packetsDropped: 0, streamsOpened: 0, streamsAccepted: 0, sendFailures: 0, streamsFailed: 0 };
  let handlers = NO_HANDLERS;
  let closed = false;

  const onPacket = (data: Uint8Array, from: NetAddress): void => {
    if (closed) return;
    counters.packetsReceived++;
    counters.bytesReceived += data.length;
    const at = options.clock.nowMs();
    const decoded = decodePacket(data, { keyring: options.keyring, requestsMax: PACKET_REQUESTS_MAX });
    for (const drop of decoded.drops) {
      counters.packetsDropped++;
      drops[drop.reason]++;
      log.debug("dropped packet", { from: formatAddress(from), reason: drop.reason, detail: drop.detail });
    }
    if (decoded.messages.length > 0) ctx.incoming.gossipedFrom(from.ip);
    for (const msg of decoded.messages) {
      try {
        handlers.onPacketMessage(msg, from, at);
      } catch (error) {
        log.error("packet handler threw", { type: msg.type, error: describeError(error) });
      }
    }
  };

  const sockets = options.sockets ?? bunRawSockets;
  const streamLimits: StreamLimits = { ...DEFAULT_STREAM_LIMITS, ...options.streamLimits };
  const ctx: StreamContext = {
    keyring: options.keyring,
    compression: options.compression,
    random,
    clock: options.clock,
    logger: log,
    maxBytes: streamLimits.messageBytesMax,
    incomingTimeoutMs: options.streamTimeoutMs ?? 10_000,
    incoming: new IncomingStreams(streamLimits, log, () => options.clock.monotonicMs()),
    handlers: () => handlers,
    isClosed: () => closed,
    counters,
    conns: new Set(),
    connectTcp: (to, streamHandlers) => sockets.connectTcp(to, streamHandlers, dialSourceFor(options.bindAddr, to.ip)),
  };

  const { udp, tcp } = await bindBoth(sockets, options.bindAddr, options.bindPort, onPacket, (conn) => acceptStream(ctx, conn), log);
  const localAddress: NetAddress = { ip: options.advertiseAddr ?? advertiseFor(options.bindAddr), port: tcp.port };

  // Messages are immutable once handed to the net (GossipNet's contract), and a broadcast is
  // sized when queued and sent up to retransmitMult x log10(n) times: encode it once.
  const encodedParts = new WeakMap<GossipMessage, Uint8Array>();
  const encodeOnce = (msg: GossipMessage): Uint8Array => {
    let part = encodedParts.get(msg);
    if (part === undefined) {
      part = encodeMessage(msg);
      encodedParts.set(msg, part);
    }
    return part;
  };

  const sendOne = (to: NetAddress, parts: Uint8Array[], probeTraffic: boolean): void => {
    // memberlist adds the CRC when it knows the peer speaks protocol 5, which in practice is
    // for gossip packets (it sends probes and acks by address and finds no node for them).
    const crc = !probeTraffic && (peerPmax.get(formatAddress(to)) ?? 0) >= 5;
    let bytes: Uint8Array;
    try {
      bytes = encodePacketParts(parts, { compression: options.compression, crc, keyring: options.keyring, random });
    } catch (error) {
      counters.sendFailures++;
      log.warn("could not encode packet", { to: formatAddress(to), error: describeError(error) });
      return;
    }
    const failure = udp.send(bytes, to);
    if (failure) {
      counters.sendFailures++;
      log.debug("packet send failed", { to: formatAddress(to), error: failure });
      return;
    }
    counters.packetsSent++;
    counters.bytesSent += bytes.length;
  };

  const net: UdpTcpGossipNet = {
    localAddress,
    packetBudgetBytes: UDP_PACKET_LIMIT - COMPOUND_HEADER_OVERHEAD - packetOverhead,
    setHandlers(h) {
      handlers = h;
    },
    encodedSize(msg: GossipMessage) {
      return msg.type === "pushPull" ? encodeStreamBody(msg).length : encodeOnce(msg).length;
    },
    sendPacket(to, msgs) {
      if (closed || msgs.length === 0) return;
      const limit = UDP_PACKET_LIMIT - packetOverhead;
      const probeTraffic = PROBE_TYPES.has((msgs[0] as GossipMessage).type);
      let batch: Uint8Array[] = [];
      let batchSize = COMPOUND_HEADER_OVERHEAD;
      for (const msg of msgs) {
        let part: Uint8Array;
        try {
          part = encodeOnce(msg);
        } catch (error) {
          counters.sendFailures++;
          log.warn("could not encode message", { type: msg.type, to: formatAddress(to), error: describeError(error) });
          continue;
        }
        if (part.length > limit) {
          counters.sendFailures++;
          log.warn("message too large for one packet, dropped", { type: msg.type, bytes: part.length, limit });
          continue;
        }
        const cost = part.length + COMPOUND_PART_OVERHEAD;
        const fitsAlone = batch.length === 0 || batchSize + cost <= limit;
        if (!fitsAlone || batch.length === 255) {
          sendOne(to, batch, probeTraffic);
          batch = [];
          batchSize = COMPOUND_HEADER_OVERHEAD;
        }
        batch.push(part);
        batchSize += cost;
      }
      if (batch.length > 0) sendOne(to, batch, probeTraffic);
    },
    sendStream(to, msg, streamOptions) {
      if (closed) return Promise.reject(new SatelliteError("GOSSIP_NET_CLOSED", "the gossip network is closed", { hint: "the agent is shutting down" }));
      return openStream(ctx, to, msg, streamOptions);
    },
    setPeerProtocolMax(addr, pmax) {
      peerPmax.set(formatAddress(addr), pmax);
    },
    stats() {
      return {
        ...counters,
        dropsByReason: { ...drops },
        streamFailuresByReason: { ...ctx.incoming.failures },
        streamsActive: ctx.incoming.active,
        streamMemoryBytes: ctx.incoming.memory.usedBytes,
      };
    },
    async close() {
      if (closed) return;
      closed = true;
      udp.close();
      tcp.stop();
      closeAllStreams(ctx);
    },
  };
  log.info("gossip listening", { address: formatAddress(localAddress), bind: options.bindAddr, encrypted: !!options.keyring });
  return net;
}

/** TCP and UDP on the same port; with port 0 the kernel picks the TCP port and UDP follows (retrying on a clash). */
async function bindBoth(
  sockets: RawSockets,
  bindAddr: string,
  port: number,
  onPacket: (data: Uint8Array, from: NetAddress) => void,
  onConnection: (conn: TcpConn) => TcpConnHandlers,
  log: Logger,
): Promise<{ udp: UdpEndpoint; tcp: TcpListener }> {
  try {
    return await bindTcpAndUdpOnOnePort(
      port,
      (p) => sockets.listenTcp(bindAddr, p, onConnection),
      (p) => sockets.openUdp(bindAddr, p, onPacket, (error) => log.debug("udp socket error (usually an unreachable peer)", { error: error.message })),
    );
  } catch (error) {
    throw new SatelliteError("GOSSIP_BIND_FAILED", `cannot bind gossip UDP+TCP on ${bindAddr}:${port}: ${describeError(error)}`, {
      hint: "another process uses this port (is a serf or satellite agent already running?); pick another bind port or stop it",
      cause: error,
    });
  }
}

/**
 * Streams leave from the bind address when it is one address of the same family as the peer's
 * (a wildcard leaves the choice to the system): a peer then sees our streams come from the
 * address our packets come from, and its per-peer stream bounds count us, not whoever shares
 * the address the system would pick (on one host, 127.0.0.1 for every agent).
 */
function dialSourceFor(bindAddr: string, peerIp: string): string | undefined {
  if (bindsEveryAddress(bindAddr)) return undefined;
  return bindAddr.includes(":") === peerIp.includes(":") ? bindAddr : undefined;
}

function bindsEveryAddress(bindAddr: string): boolean {
  return bindAddr === "" || bindAddr === "0.0.0.0" || bindAddr === "::";
}

function advertiseFor(bindAddr: string): string {
  if (!bindsEveryAddress(bindAddr)) return bindAddr;
  for (const list of Object.values(networkInterfaces())) {
    for (const i of list ?? []) if (i.family === "IPv4" && !i.internal) return i.address;
  }
  return "127.0.0.1";
}
