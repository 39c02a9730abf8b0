import type { SatelliteMetrics } from "../metrics/index.ts";
import type { ListeningSockets, TcpConn, TcpConnHandlers, TcpListener, UdpEndpoint } from "../platform/bun-sockets.ts";
import type { Clock, Timer } from "../platform/clock.ts";
import { describeError, SatelliteError } from "../platform/errors.ts";
import type { Logger } from "../platform/logger.ts";
import type { DnsZone } from "./dns-answer.ts";
import type { DnsNode } from "./dns-node.ts";
import { QUERY_BYTES_MAX, respond, type DnsOutcome, type DnsTransport } from "./dns-responder.ts";
import { AnswerRateLimiter } from "./answer-rate-limit.ts";
import { frameTcpMessage, TcpMessageFramer } from "./tcp-message-framer.ts";

/** Node records live this long in a resolver's cache: health changes within seconds. */
export const DNS_TTL_S = 5;
/** "No such node" is remembered this long (the SOA minimum). */
export const DNS_NEGATIVE_TTL_S = 5;
/** The cluster view is read at most this often; a change shows in answers within it. */
export const NODES_REFRESH_MS = 250;
/** TCP clients at once; one more is closed at once and counted. */
export const TCP_CONNECTIONS_MAX = 128;
/** A TCP client silent this long is closed (RFC 7766 suggests seconds, not minutes). */
export const TCP_IDLE_MS = 10_000;
/** Answers a TCP client has not read yet at most; a client that only sends is closed. */
export const TCP_PENDING_WRITES_MAX = 64;
/** Client networks whose answer rate is tracked one by one. */
export const RATE_LIMIT_NETWORKS_MAX = 10_000;
/** Every second rate-limited answer goes out truncated, so a real client behind a flood still gets through over TCP. */
export const RATE_LIMIT_SLIP = 2;

export interface DnsServerOptions {
  /** IP literal to bind, UDP and TCP. */
  host: string;
  /** 0 picks a free port (the same for UDP and TCP). */
  port: number;
  /** Lowercase labels of the domain answered for. */
  domain: readonly string[];
  /** UDP answers per second to one client network (IPv4 /24, IPv6 /56). */
  answersPerSecond: number;
  /** The members to answer from; called at most every NODES_REFRESH_MS. */
  nodes: () => readonly DnsNode[];
  clock: Clock;
  logger: Logger;
  sockets: ListeningSockets;
  metrics: Pick<SatelliteMetrics, "dnsAnswers" | "dnsTruncated" | "dnsDropped">;
}

export interface RunningDnsServer {
  /** The port bound (UDP and TCP). */
  port: number;
  stop(): void;
}

/**
 * The DNS interface (docs/dns.md): UDP and TCP on one address, answers from the cluster view.
 * Runs on the event loop, never blocks: every query is answered from an in-memory snapshot.
 */
export async function startDnsServer(options: DnsServerOptions): Promise<RunningDnsServer> {
  const { clock, logger, metrics } = options;
  const limiter = new AnswerRateLimiter({ answersPerSecond: options.answersPerSecond, slip: RATE_LIMIT_SLIP, networksMax: RATE_LIMIT_NETWORKS_MAX });
  let snapshot: readonly DnsNode[] = [];
  let snapshotAtMs = Number.NEGATIVE_INFINITY;
  let rotation = 0;
  const zone: DnsZone = { domain: options.domain, ttlS: DNS_TTL_S, negativeTtlS: DNS_NEGATIVE_TTL_S, serial: Math.floor(clock.nowMs() / 1000) >>> 0 };
  const nodes = (): readonly DnsNode[] => {
    const now = clock.monotonicMs();
    if (now - snapshotAtMs >= NODES_REFRESH_MS) {
      snapshot = options.nodes();
      snapshotAtMs = now;
    }
    return snapshot;
  };
  const answer = (bytes: Uint8Array, transport: DnsTransport, truncateAll = false): DnsOutcome => {
    const outcome = respond({ bytes, transport, nodes, zone, rotation: rotation++, truncateAll });
    if (rotation > 0x3fffffff) rotation = 0;
    if (outcome.kind === "drop") metrics.dnsDropped.inc({ reason: outcome.reason });
    else {
      metrics.dnsAnswers.inc({ transport, rcode: outcome.rcode });
      if (outcome.truncated) metrics.dnsTruncated.inc({ transport });
    }
    return outcome;
  };

  let udp: UdpEndpoint | undefined;
  const onPacket = (data: Uint8Array, from: { ip: string; port: number }): void => {
    const decision = limiter.decide(from.ip, clock.monotonicMs());
    if (decision === "drop") {
      metrics.dnsDropped.inc({ reason: "rate_limited" });
      return;
    }
    const outcome = answer(data, "udp", decision === "slip");
    if (outcome.kind === "answer") udp?.send(outcome.bytes, from);
  };
  try {
    udp = await options.sockets.openUdp(options.host, options.port, onPacket, (error) => logger.warn("DNS UDP socket error", { error: error.message }));
  } catch (error) {
    throw listenError(options, "UDP", error);
  }

  const connections = new Set<TcpConn>();
  const onConnection = (conn: TcpConn): TcpConnHandlers => {
    if (connections.size >= TCP_CONNECTIONS_MAX) {
      metrics.dnsDropped.inc({ reason: "tcp_connections_full" });
      conn.close();
      return { onData: () => {}, onClose: () => {} };
    }
    connections.add(conn);
    const framer = new TcpMessageFramer(QUERY_BYTES_MAX);
    let pendingWrites = 0;
    let idle: Timer = clock.setTimer(TCP_IDLE_MS, () => conn.close());
    return {
      onData(chunk) {
        idle.cancel();
        idle = clock.setTimer(TCP_IDLE_MS, () => conn.close());
        const messages = framer.push(chunk);
        if (messages === "too_large") {
          metrics.dnsDropped.inc({ reason: "too_large" });
          conn.close();
          return;
        }
        for (const message of messages) {
          const outcome = answer(message, "tcp");
          if (outcome.kind === "drop") {
            // A stream that carried garbage is not worth reading further.
            conn.close();
            return;
          }
          if (pendingWrites >= TCP_PENDING_WRITES_MAX) {
            metrics.dnsDropped.inc({ reason: "tcp_backlog" });
            conn.close();
            return;
          }
          pendingWrites++;
          conn.write(frameTcpMessage(outcome.bytes)).then(
            () => void pendingWrites--,
            () => void pendingWrites--,
          );
        }
      },
      onClose() {
        idle.cancel();
        connections.delete(conn);
      },
    };
  };
  let tcp: TcpListener;
  try {
    tcp = options.sockets.listenTcp(options.host, udp.port, onConnection);
  } catch (error) {
    udp.close();
    throw listenError({ ...options, port: udp.port }, "TCP", error);
  }

  logger.info("DNS interface listening", { addr: formatAddr(options.host, udp.port), domain: options.domain.join(".") });
  return {
    port: udp.port,
    stop() {
      udp?.close();
      tcp.stop();
      for (const conn of connections) conn.close();
      connections.clear();
    },
  };
}

function listenError(options: Pick<DnsServerOptions, "host" | "port">, transport: string, error: unknown): SatelliteError {
  return new SatelliteError("DNS_LISTEN_FAILED", `cannot serve DNS on ${formatAddr(options.host, options.port)} (${transport}): ${describeError(error)}`, {
    hint: "another DNS server may use the port; pick another --dns-addr (e.g. 127.0.0.1:8600), or check the address exists on this host",
    cause: error,
  });
}

function formatAddr(host: string, port: number): string {
  return host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
}
