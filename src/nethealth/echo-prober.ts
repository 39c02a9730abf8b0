import type { SocketAddress, UdpEndpoint } from "../platform/bun-sockets.ts";
import type { Clock, Timer } from "../platform/clock.ts";
import type { Logger } from "../platform/logger.ts";
import { createRateLimitedLog } from "../platform/rate-limited-log.ts";
import { decodeEcho, encodeEcho } from "./echo-packet.ts";
import { PeerEchoes } from "./peer-echoes.ts";
import { NETHEALTH_PEERS_MAX, type NethealthReport } from "./peer-report.ts";

/** A peer to echo with: its node name and where its nethealth listens. */
export interface NethealthPeer {
  name: string;
  /** IP literal. */
  ip: string;
  port: number;
}

export interface EchoProberOptions {
  /** This node's name, as the report says. */
  node: string;
  intervalMs: number;
  timeoutMs: number;
  windowProbes: number;
}

/** Why a received datagram was not used; a fixed set, also the metric's label values. */
export type EchoDropReason = "length" | "magic" | "type" | "unknown-peer" | "rate-limited";

export interface EchoProber {
  /** Every datagram the socket receives goes here. */
  receive(data: Uint8Array, from: SocketAddress): void;
  /** Starts echoing every interval over `socket` (which `receive` is fed from). */
  start(socket: Pick<UdpEndpoint, "send">): void;
  /** The peers from now on (at most NETHEALTH_PEERS_MAX, by name); a kept peer at the same address keeps its numbers. */
  setPeers(peers: readonly NethealthPeer[]): void;
  report(): NethealthReport;
  drops(): Readonly<Record<EchoDropReason, number>>;
  /** Sends that the socket refused since start. */
  sendErrors(): number;
  stop(): void;
}

/**
 * Requests answered per second at most: a peer sends one per interval, so this is four times
 * what the largest cluster sends at one per second; past it, requests are dropped unanswered.
 */
export const ECHO_REPLIES_PER_SECOND_MAX = 4 * NETHEALTH_PEERS_MAX;
const IN_FLIGHT_MAX = 64;

interface PeerEntry {
  peer: NethealthPeer;
  echoes: PeerEchoes;
}

/**
 * Echoes UDP with every peer: each interval one request to each, and a reply to every request
 * that arrives (from anyone: a new peer may know us before we know it; a reply is never larger
 * than the request, and replies are capped per second). Replies count only from a known peer's
 * address with a sequence number still in flight to it.
 */
export function createEchoProber(options: EchoProberOptions, deps: { clock: Clock; logger: Logger }): EchoProber {
  const { clock } = deps;
  const warn = createRateLimitedLog(deps.logger, () => clock.monotonicMs(), 10_000);
  const byName = new Map<string, PeerEntry>();
  const byAddr = new Map<string, PeerEntry>();
  const dropped: Record<EchoDropReason, number> = { length: 0, magic: 0, type: 0, "unknown-peer": 0, "rate-limited": 0 };
  const echoOptions = { windowProbes: options.windowProbes, timeoutMs: options.timeoutMs, inFlightMax: Math.min(IN_FLIGHT_MAX, Math.ceil(options.timeoutMs / options.intervalMs) + 1) };
  let socket: Pick<UdpEndpoint, "send"> | undefined;
  let timer: Timer | undefined;
  let nextSeq = 0;
  let sendErrors = 0;
  let replySecond = -1;
  let repliesThisSecond = 0;

  const drop = (reason: EchoDropReason, from: SocketAddress): void => {
    dropped[reason]++;
    warn.log("debug", reason, "echo datagram dropped", { reason, from: addrKey(from) });
  };
  const send = (bytes: Uint8Array, to: SocketAddress): void => {
    const error = socket?.send(bytes, to);
    if (error === undefined) return;
    sendErrors++;
    warn.log("warn", "send", "cannot send an echo datagram", { to: addrKey(to), error });
  };
  const tick = (): void => {
    const now = clock.monotonicMs();
    for (const entry of byName.values()) {
      const seq = nextSeq;
      nextSeq = (nextSeq + 1) % 0x1_0000_0000;
      entry.echoes.sent(seq, now);
      send(encodeEcho({ type: "request", seq }), entry.peer);
    }
    timer = clock.setTimer(options.intervalMs, tick);
  };

  return {
    receive(data, from) {
      const packet = decodeEcho(data);
      if (typeof packet === "string") return drop(packet, from);
      if (packet.type === "request") {
        const second = Math.floor(clock.monotonicMs() / 1000);
        if (second !== replySecond) {
          replySecond = second;
          repliesThisSecond = 0;
        }
        if (++repliesThisSecond > ECHO_REPLIES_PER_SECOND_MAX) return drop("rate-limited", from);
        send(encodeEcho({ type: "reply", seq: packet.seq }), from);
        return;
      }
      const entry = byAddr.get(addrKey(from));
      if (!entry) return drop("unknown-peer", from);
      entry.echoes.replied(packet.seq, clock.monotonicMs());
    },
    start(endpoint) {
      if (socket) throw new Error("echo prober already started");
      socket = endpoint;
      tick();
    },
    setPeers(peers) {
      const chosen = new Map<string, NethealthPeer>();
      for (const peer of [...peers].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
        if (chosen.size >= NETHEALTH_PEERS_MAX) {
          warn.log("warn", "peers-max", `more than ${NETHEALTH_PEERS_MAX} peers; echoing with the first ${NETHEALTH_PEERS_MAX} by name`, { peers: peers.length });
          break;
        }
        if (!chosen.has(peer.name)) chosen.set(peer.name, peer);
      }
      for (const [name, entry] of byName) {
        const next = chosen.get(name);
        if (!next || addrKey(next) !== addrKey(entry.peer)) byName.delete(name);
      }
      byAddr.clear();
      for (const [name, peer] of chosen) {
        const entry = byName.get(name) ?? { peer, echoes: new PeerEchoes(echoOptions) };
        byName.set(name, entry);
        if (!byAddr.has(addrKey(peer))) byAddr.set(addrKey(peer), entry);
      }
    },
    report() {
      const now = clock.monotonicMs();
      const peers = [...byName.values()]
        .sort((a, b) => (a.peer.name < b.peer.name ? -1 : 1))
        .map(({ peer, echoes }) => ({ name: peer.name, addr: addrKey(peer), ...echoes.summary(now) }));
      return { node: options.node, intervalMs: options.intervalMs, timeoutMs: options.timeoutMs, windowProbes: options.windowProbes, peers };
    },
    drops: () => ({ ...dropped }),
    sendErrors: () => sendErrors,
    stop() {
      timer?.cancel();
      timer = undefined;
    },
  };
}

function addrKey(address: SocketAddress): string {
  return address.ip.includes(":") ? `[${address.ip}]:${address.port}` : `${address.ip}:${address.port}`;
}
