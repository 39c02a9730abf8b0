import { connect } from "node:net";

export interface TcpDialResult {
  /** The address that answered (after name resolution). */
  remoteAddress?: string;
}

/** Opens (and immediately closes) TCP connections; the one place checkers touch raw sockets. */
export interface NetDialer {
  /** Resolves once connected; rejects on refusal, resolution failure or abort. */
  dialTcp(host: string, port: number, signal: AbortSignal): Promise<TcpDialResult>;
}

export const systemNetDialer: NetDialer = {
  dialTcp(host, port, signal) {
    return new Promise((resolve, reject) => {
      if (signal.aborted) {
        reject(signal.reason);
        return;
      }
      const socket = connect({ host, port });
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
  },
};
