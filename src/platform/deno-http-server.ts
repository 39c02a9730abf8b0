import { SatelliteError, describeError } from "./errors.ts";
import type { HttpServerOptions, ListenAddress, RequestHandler, RunningHttpServer } from "./http-server.ts";

/**
 * The agent's HTTP listener on Deno (`Deno.serve`), with http-server.ts's contract: every
 * address served, a taken address is a clear error, `stop` lets requests in flight finish.
 * Plain HTTP only: TLS options are refused rather than ignored.
 */
interface DenoServer {
  readonly addr: { hostname: string; port: number };
  shutdown(): Promise<void>;
}
interface DenoServe {
  serve(
    options: { hostname: string; port: number; onListen?: () => void },
    handler: (request: Request, info: { remoteAddr: { hostname: string } }) => Response | Promise<Response>,
  ): DenoServer;
}

export async function listenDenoHttp(addresses: readonly ListenAddress[], handler: RequestHandler, options: HttpServerOptions = {}): Promise<RunningHttpServer> {
  const runtime = (globalThis as { Deno?: DenoServe }).Deno;
  if (!runtime) throw new Error("listenDenoHttp needs the Deno runtime; under Bun use listenHttp (http-server.ts)");
  if (options.tls) throw new SatelliteError("API_TLS_UNSUPPORTED", "the HTTP API cannot serve TLS on Deno yet", { hint: "run the agent with Bun for --cert-file, or put a TLS proxy in front" });
  const servers: DenoServer[] = [];
  try {
    for (const address of addresses) {
      servers.push(runtime.serve({ hostname: address.host, port: address.port, onListen: () => {} }, (request, info) => handler(request, { remoteAddress: info.remoteAddr.hostname })));
    }
  } catch (error) {
    await Promise.all(servers.map((s) => s.shutdown()));
    throw new SatelliteError("API_LISTEN_FAILED", `cannot listen on ${addresses.map((a) => `${a.host}:${a.port}`).join(", ")}: ${describeError(error)}`, { hint: "another process uses the port; pick another with --rpc-addr", cause: error });
  }
  return {
    addresses: servers.map((s, i) => ({ host: addresses[i]?.host ?? s.addr.hostname, port: s.addr.port })),
    stop: async () => void (await Promise.all(servers.map((s) => s.shutdown()))),
  };
}
