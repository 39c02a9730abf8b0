import { SatelliteError } from "./errors.ts";

export interface ListenAddress {
  host: string;
  port: number;
}

/** Handles a request; `remoteAddress` is the client's IP as the socket saw it. */
export type RequestHandler = (request: Request, env: { remoteAddress?: string }) => Response | Promise<Response>;

export interface RunningHttpServer {
  /** Where it actually listens (port 0 resolved). */
  addresses: ListenAddress[];
  /** Stops accepting, lets in-flight requests finish (bounded by the caller). */
  stop(): Promise<void>;
}

/** Serves `handler` on every address with Bun.serve; fails with a clear error when an address is taken. */
export function startHttpServer(addresses: readonly ListenAddress[], handler: RequestHandler): RunningHttpServer {
  const servers: ReturnType<typeof Bun.serve>[] = [];
  try {
    for (const address of addresses) {
      const server = Bun.serve({
        hostname: address.host,
        port: address.port,
        idleTimeout: 30,
        fetch: (request, srv) => handler(request, { remoteAddress: srv.requestIP(request)?.address }),
      });
      servers.push(server);
    }
  } catch (error) {
    for (const server of servers) void server.stop(true);
    const failed = addresses[servers.length];
    const where = failed ? `${failed.host}:${failed.port}` : "the API address";
    const code = (error as { code?: string }).code;
    throw new SatelliteError("API_LISTEN_FAILED", `cannot listen on ${where}: ${code === "EADDRINUSE" ? "address already in use" : String((error as Error).message)}`, {
      hint: code === "EADDRINUSE" ? `another process (another satellite?) uses ${where}; stop it or pick another --rpc-addr` : "check --rpc-addr",
      cause: error,
    });
  }
  return {
    addresses: servers.map((s) => ({ host: s.hostname ?? "", port: s.port ?? 0 })),
    async stop() {
      await Promise.all(servers.map((s) => s.stop()));
    },
  };
}
