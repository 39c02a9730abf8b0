import type { TcpListener, UdpEndpoint } from "./bun-sockets.ts";

/** Tries for one free port that both TCP and UDP can take, when the port is left to the system. */
const EPHEMERAL_ATTEMPTS = 10;

/**
 * A TCP listener and a UDP socket on one port (gossip, graphite). TCP is taken first and UDP
 * on its port: with port 0 the free TCP port is the scarcer one (outgoing connections take
 * ephemeral TCP ports), and when UDP cannot take it another free port is tried. A given port
 * is tried once. Throws the last error of either bind, for the caller to name the address.
 */
export async function bindTcpAndUdpOnOnePort(
  port: number,
  listenTcp: (port: number) => TcpListener,
  openUdp: (port: number) => Promise<UdpEndpoint>,
): Promise<{ tcp: TcpListener; udp: UdpEndpoint }> {
  let lastError: unknown;
  for (let attempt = 0; attempt < (port === 0 ? EPHEMERAL_ATTEMPTS : 1); attempt++) {
    let tcp: TcpListener | undefined;
    try {
      tcp = listenTcp(port);
      return { tcp, udp: await openUdp(tcp.port) };
    } catch (error) {
      tcp?.stop();
      lastError = error;
    }
  }
  throw lastError;
}
