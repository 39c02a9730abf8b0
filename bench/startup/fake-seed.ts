/** A stand-in for a cluster's seed: a TCP listener that notes when the first connection (a join's push/pull) arrives. */
import type { TCPSocketListener } from "bun";

export interface FakeSeed {
  port: number;
  /** performance.now() of the first connection since the last reset; undefined while none came. */
  firstConnectionAt(): number | undefined;
  reset(): void;
  stop(): void;
}

/** Both memberlist (serf) and Satellite open TCP to the seed first when they join: its arrival is the first join packet. */
export function startFakeSeed(): FakeSeed {
  let first: number | undefined;
  const listener: TCPSocketListener<undefined> = Bun.listen({
    hostname: "127.0.0.1",
    port: 0,
    socket: {
      open(socket) {
        first ??= performance.now();
        socket.end();
      },
      data() {},
    },
  });
  return {
    port: listener.port,
    firstConnectionAt: () => first,
    reset: () => (first = undefined),
    stop: () => listener.stop(true),
  };
}
