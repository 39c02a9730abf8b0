import { connect } from "node:net";

export interface TcpDialResult {
  /** The address that answered (after name resolution). */
  remoteAddress?: string;
}

/** Opens (and immediately closes) TCP connections; the one place checkers touch raw sockets. */
export interface NetDialer {
  /** Resolves once connected; rejects on refusal, resolution failure or abort. */
  dialTcp(host: string, port: number, signal: AbortSignal): Promise<TcpDialResult>;
  /** Resolves once a unix socket accepted the connection (which is then closed); rejects like dialTcp. */
  dialUnix?(path: string, signal: AbortSignal): Promise<void>;
}

export const systemNetDialer: NetDialer = {
  async dialUnix(path, signal) {
    await dial({ path }, signal);
  },
  dialTcp(host, port, signal) {
    return dial({ host, port }, signal);
  },
};

/** One connection attempt to a TCP address or a unix socket path, closed as soon as it is up. */
function dial(target: { host: string; port: number } | { path: string }, signal: AbortSignal): Promise<TcpDialResult> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const socket = connect(target);
    const onAbort = (): void => {
      socket.destroy();
      reject(signal.reason);
    };
    signal.addEventListener("abort", onAbort, { once: true });
    socket.once("connect", () => {
      signal.removeEventListener("abort", onAbort);
      const remoteAddress = socket.remoteAddress;
      socket.destroy();
      resolve({ remoteAddress });
    });
    socket.once("error", (error) => {
      signal.removeEventListener("abort", onAbort);
      socket.destroy();
      reject(error);
    });
  });
}
