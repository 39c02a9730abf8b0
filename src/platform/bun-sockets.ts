import type { Socket, TCPSocketListener } from "bun";

/**
 * Thin wrappers over Bun's UDP and TCP sockets with the rough edges handled: UDP send needs
 * an IP literal and may throw synchronously; TCP writes may be partial and must wait for
 * drain; IPv4-mapped IPv6 peer addresses are normalised to dotted IPv4.
 */

/** A peer's IP literal and port. Structurally the same as membership's NetAddress. */
export interface SocketAddress {
  ip: string;
  port: number;
}

export interface UdpEndpoint {
  readonly port: number;
  /** Returns an error message instead of throwing. */
  send(data: Uint8Array, to: SocketAddress): string | undefined;
  close(): void;
}

export async function openUdp(
  bindAddr: string,
  port: number,
  onPacket: (data: Uint8Array, from: SocketAddress) => void,
  onError: (error: Error) => void,
): Promise<UdpEndpoint> {
  const socket = await Bun.udpSocket({
    hostname: bindAddr,
    port,
    binaryType: "uint8array",
    socket: {
      data: (_s, data, fromPort, fromAddr) => onPacket(data, { ip: normalizeIp(fromAddr), port: fromPort }),
      // Bun calls this with the error alone (not (socket, error) as typed); accept both.
      error: (a: unknown, b?: unknown) => {
        const found = [a, b].find((x) => x instanceof Error);
        onError(found instanceof Error ? found : new Error(String(b ?? a)));
      },
    },
  });
  return {
    port: socket.port,
    send(data, to) {
      try {
        return socket.send(data, to.port, to.ip) ? undefined : "socket buffer full";
      } catch (error) {
        return error instanceof Error ? error.message : String(error);
      }
    },
    close: () => socket.close(),
  };
}

/** One TCP connection, push-style: bytes arrive through onData, writes resolve once handed to the kernel. */
export interface TcpConn {
  readonly remote: SocketAddress;
  write(data: Uint8Array): Promise<void>;
  /** Half-close after pending writes (sends FIN). */
  end(): void;
  /** Closes immediately. */
  close(): void;
}

export interface TcpConnHandlers {
  onData(data: Uint8Array): void;
  /** The peer closed, the socket failed, or we closed it. Called once. */
  onClose(error?: Error): void;
}

interface ConnState {
  conn?: TcpConn;
  handlers?: TcpConnHandlers;
  pending: { data: Uint8Array; resolve: () => void; reject: (e: Error) => void }[];
  closed: boolean;
}

function makeConn(socket: Socket<ConnState>, state: ConnState): TcpConn {
  const remote = { ip: normalizeIp(socket.remoteAddress), port: socket.remotePort ?? 0 };
  return {
    remote,
    write(data) {
      if (state.closed) return Promise.reject(new Error(`connection to ${remote.ip}:${remote.port} is closed`));
      return new Promise<void>((resolve, reject) => {
        state.pending.push({ data, resolve, reject });
        if (state.pending.length === 1) flush(socket, state);
      });
    },
    end() {
      if (state.closed) return;
      if (state.pending.length === 0) socket.end();
      else {
        const last = state.pending[state.pending.length - 1];
        if (last) {
          const done = last.resolve;
          last.resolve = () => {
            done();
            socket.end();
          };
        }
      }
    },
    close: () => socket.terminate(),
  };
}

function flush(socket: Socket<ConnState>, state: ConnState): void {
  while (state.pending.length > 0) {
    const head = state.pending[0];
    if (!head) return;
    const n = socket.write(head.data);
    if (n < 0) {
      failPending(state, new Error("write failed: socket closed"));
      return;
    }
    if (n < head.data.length) {
      head.data = head.data.subarray(n);
      return; // wait for drain
    }
    state.pending.shift();
    head.resolve();
  }
}

function failPending(state: ConnState, error: Error): void {
  const pending = state.pending.splice(0);
  for (const p of pending) p.reject(error);
}

function closeState(state: ConnState, error?: Error): void {
  if (state.closed) return;
  state.closed = true;
  failPending(state, error ?? new Error("connection closed"));
  state.handlers?.onClose(error);
}

const connHandlers = {
  binaryType: "uint8array" as const,
  data(socket: Socket<ConnState>, data: Uint8Array) {
    socket.data.handlers?.onData(data);
  },
  drain(socket: Socket<ConnState>) {
    flush(socket, socket.data);
  },
  end(socket: Socket<ConnState>) {
    closeState(socket.data);
    socket.end();
  },
  close(socket: Socket<ConnState>, error?: Error) {
    closeState(socket.data, error);
  },
  error(socket: Socket<ConnState>, error: Error) {
    closeState(socket.data, error);
  },
};

export interface TcpListener {
  readonly port: number;
  stop(): void;
}

/** Accepts connections; `onConnection` returns the handlers for that connection's bytes. */
export function listenTcp(bindAddr: string, port: number, onConnection: (conn: TcpConn) => TcpConnHandlers): TcpListener {
  const listener: TCPSocketListener<ConnState> = Bun.listen<ConnState>({
    hostname: bindAddr,
    port,
    data: { pending: [], closed: false },
    socket: {
      ...connHandlers,
      open(socket) {
        const state: ConnState = { pending: [], closed: false };
        socket.data = state;
        state.conn = makeConn(socket, state);
        state.handlers = onConnection(state.conn);
      },
    },
  });
  return { port: listener.port, stop: () => listener.stop(true) };
}

export async function connectTcp(to: SocketAddress, handlers: TcpConnHandlers, fromIp?: string): Promise<TcpConn> {
  const state: ConnState = { pending: [], closed: false, handlers };
  const socket = await Bun.connect<ConnState>({
    hostname: to.ip,
    port: to.port,
    ...(fromIp === undefined ? {} : { localAddress: fromIp }),
    data: state,
    socket: {
      ...connHandlers,
      // Present so a refused connection only rejects Bun.connect (handled by the caller)
      // instead of also being reported as an unhandled rejection.
      connectError() {
        state.closed = true;
      },
    },
  });
  state.conn = makeConn(socket, state);
  return state.conn;
}

/** "::ffff:10.0.0.1" -> "10.0.0.1"; other addresses unchanged. */
export function normalizeIp(ip: string): string {
  const m = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  return m ? (m[1] as string) : ip;
}

/**
 * Listening sockets as a capability handed to the parts that answer the network (DNS, statsd,
 * graphite), so a test or a simulation can give them other ones.
 */
export interface ListeningSockets {
  openUdp: typeof openUdp;
  listenTcp: typeof listenTcp;
}

export const bunListeningSockets: ListeningSockets = { openUdp, listenTcp };
