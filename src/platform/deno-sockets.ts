import { normalizeIp, type SocketAddress, type TcpConn, type TcpConnHandlers, type TcpListener, type UdpEndpoint } from "./bun-sockets.ts";
import type { RawSockets } from "./raw-sockets.ts";

/**
 * Deno's raw sockets behind the RawSockets contract: UDP through `Deno.listenDatagram` (Deno
 * marks it unstable: run with `--unstable-net`), TCP through `Deno.listen` / `Deno.connect`.
 * Only the members used here are declared, so this file type-checks without Deno's types and
 * is never loaded by Bun unless asked for.
 */
interface DenoNetAddr {
  hostname: string;
  port: number;
}
interface DenoConn {
  readonly remoteAddr: DenoNetAddr;
  read(buffer: Uint8Array): Promise<number | null>;
  write(data: Uint8Array): Promise<number>;
  closeWrite(): Promise<void>;
  close(): void;
}
interface DenoListener extends AsyncIterable<DenoConn> {
  readonly addr: DenoNetAddr;
  close(): void;
}
interface DenoDatagramConn extends AsyncIterable<[Uint8Array, DenoNetAddr]> {
  readonly addr: DenoNetAddr;
  send(data: Uint8Array, to: DenoNetAddr & { transport: "udp" }): Promise<number>;
  close(): void;
}
interface DenoNet {
  listenDatagram(options: { hostname: string; port: number; transport: "udp" }): DenoDatagramConn;
  listen(options: { hostname: string; port: number; transport?: "tcp" }): DenoListener;
  connect(options: { hostname: string; port: number }): Promise<DenoConn>;
}

/** Bytes read per call on a TCP connection. */
const READ_CHUNK_BYTES = 64 * 1024;

function deno(): DenoNet {
  const found = (globalThis as { Deno?: DenoNet }).Deno;
  if (!found) throw new Error("deno-sockets needs the Deno runtime; under Bun use bun-sockets");
  if (typeof found.listenDatagram !== "function") throw new Error("Deno.listenDatagram is missing: run deno with --unstable-net");
  return found;
}

const asError = (error: unknown): Error => (error instanceof Error ? error : new Error(String(error)));

async function openUdp(bindAddr: string, port: number, onPacket: (data: Uint8Array, from: SocketAddress) => void, onError: (error: Error) => void): Promise<UdpEndpoint> {
  const socket = deno().listenDatagram({ hostname: bindAddr, port, transport: "udp" });
  let closed = false;
  void (async () => {
    try {
      for await (const [data, from] of socket) onPacket(data, { ip: normalizeIp(from.hostname), port: from.port });
    } catch (error) {
      if (!closed) onError(asError(error));
    }
  })();
  return {
    port: socket.addr.port,
    send(data, to) {
      if (closed) return "socket closed";
      // Deno's send is asynchronous: a failure (unreachable peer) arrives later, as memberlist's would.
      socket.send(data, { hostname: to.ip, port: to.port, transport: "udp" }).catch((error: unknown) => onError(asError(error)));
      return undefined;
    },
    close() {
      closed = true;
      socket.close();
    },
  };
}

/** One connection: a read loop pushing bytes, writes in order, `onClose` once. */
function wrapConn(conn: DenoConn, handlersOf: () => TcpConnHandlers | undefined): TcpConn {
  const remote = { ip: normalizeIp(conn.remoteAddr.hostname), port: conn.remoteAddr.port };
  let closed = false;
  let writes: Promise<void> = Promise.resolve();
  const closeOnce = (error?: Error) => {
    if (closed) return;
    closed = true;
    try {
      conn.close();
    } catch {
      // already closed by the runtime
    }
    handlersOf()?.onClose(error);
  };
  const writeAll = async (data: Uint8Array) => {
    let offset = 0;
    while (offset < data.length) offset += await conn.write(data.subarray(offset));
  };
  queueMicrotask(() =>
    void (async () => {
      const buffer = new Uint8Array(READ_CHUNK_BYTES);
      try {
        for (;;) {
          const n = await conn.read(buffer);
          if (n === null) break;
          handlersOf()?.onData(buffer.slice(0, n));
        }
        await writes.catch(() => {});
        closeOnce();
      } catch (error) {
        closeOnce(closed ? undefined : asError(error));
      }
    })(),
  );
  return {
    remote,
    write(data) {
      if (closed) return Promise.reject(new Error(`connection to ${remote.ip}:${remote.port} is closed`));
      const next = writes.then(() => writeAll(data));
      writes = next.catch(() => {});
      return next;
    },
    end() {
      if (closed) return;
      void writes.then(() => conn.closeWrite()).catch(() => {});
    },
    close: () => closeOnce(),
  };
}

function listenTcp(bindAddr: string, port: number, onConnection: (conn: TcpConn) => TcpConnHandlers): TcpListener {
  const listener = deno().listen({ hostname: bindAddr, port, transport: "tcp" });
  let stopped = false;
  void (async () => {
    try {
      for await (const conn of listener) {
        let handlers: TcpConnHandlers | undefined;
        const wrapped = wrapConn(conn, () => handlers);
        handlers = onConnection(wrapped);
      }
    } catch (error) {
      if (!stopped) throw error;
    }
  })();
  return {
    port: listener.addr.port,
    stop() {
      stopped = true;
      listener.close();
    },
  };
}

async function connectTcp(to: SocketAddress, handlers: TcpConnHandlers): Promise<TcpConn> {
  const conn = await deno().connect({ hostname: to.ip, port: to.port });
  return wrapConn(conn, () => handlers);
}

export const denoRawSockets: RawSockets = { openUdp, listenTcp, connectTcp };
