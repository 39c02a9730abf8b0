import { connectTcp, listenTcp, openUdp, type SocketAddress, type TcpConn, type TcpConnHandlers, type TcpListener, type UdpEndpoint } from "./bun-sockets.ts";

/**
 * The runtime's raw sockets as the gossip transport uses them: one UDP endpoint, one TCP
 * listener, outgoing TCP connections, all carrying bytes. Bun's are the default
 * (bun-sockets.ts); Deno's are in deno-sockets.ts. Same contract for both: UDP `send` never
 * throws, TCP writes resolve once handed to the kernel, `onClose` is called once.
 */
export interface RawSockets {
  openUdp(bindAddr: string, port: number, onPacket: (data: Uint8Array, from: SocketAddress) => void, onError: (error: Error) => void): Promise<UdpEndpoint>;
  /** Throws when the address is taken. */
  listenTcp(bindAddr: string, port: number, onConnection: (conn: TcpConn) => TcpConnHandlers): TcpListener;
  /**
   * `fromIp`: the local address to connect from (the gossip bind address, when it is one
   * address), so a peer sees streams come from the address our packets come from. Deno's
   * connect cannot choose it: there the system picks, as it does when `fromIp` is absent.
   */
  connectTcp(to: SocketAddress, handlers: TcpConnHandlers, fromIp?: string): Promise<TcpConn>;
}

export const bunRawSockets: RawSockets = { openUdp, listenTcp, connectTcp };
