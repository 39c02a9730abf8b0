import { SatelliteError } from "./errors.ts";
import type { ClientCertState } from "./node-https-listener.ts";
import type { TlsMaterial } from "./tls-files.ts";

export interface ListenAddress {
  host: string;
  port: number;
}

/** Handles a request; `remoteAddress` is the client's IP as the socket saw it. */
export type RequestHandler = (request: Request, env: { remoteAddress?: string }) => Response | Promise<Response>;

export interface HttpServerTls {
  material: TlsMaterial;
  /**
   * With `material.clientCaPem`, the exact paths answered without a verified client
   * certificate (liveness and readiness probes: the kubelet cannot present one). Every other
   * path gets 403 unless the client's certificate verifies against that CA.
   */
  pathsWithoutClientCert: readonly string[];
}

export interface HttpServerOptions {
  /** Serve HTTPS only; without it, plain HTTP. */
  tls?: HttpServerTls;
}

export interface RunningHttpServer {
  /** Where it actually listens (port 0 resolved). */
  addresses: ListenAddress[];
  /** Stops accepting, lets in-flight requests finish (bounded by the caller). */
  stop(): Promise<void>;
}

/** Connections idle this long are closed (slow or stuck clients). */
const IDLE_TIMEOUT_S = 30;

interface Listener {
  address: ListenAddress;
  stop(): Promise<void>;
}

/**
 * Serves `handler` on every address: plain HTTP, or HTTPS with `options.tls`. Fails with a
 * clear error when an address is taken. Plain and server-only TLS use Bun.serve; TLS with a
 * client CA uses node:https, the one server that reports per request whether the client's
 * certificate verified (see node-https-listener.ts).
 */
export async function listenHttp(addresses: readonly ListenAddress[], handler: RequestHandler, options: HttpServerOptions = {}): Promise<RunningHttpServer> {
  const listeners: Listener[] = [];
  try {
    for (const address of addresses) listeners.push(await listen(address, handler, options.tls));
  } catch (error) {
    await Promise.all(listeners.map((l) => l.stop()));
    throw listenFailed(addresses[listeners.length], error);
  }
  return running(listeners);
}

function running(listeners: readonly Listener[]): RunningHttpServer {
  return {
    addresses: listeners.map((l) => l.address),
    async stop() {
      await Promise.all(listeners.map((l) => l.stop()));
    },
  };
}

function listenFailed(failed: ListenAddress | undefined, error: unknown): SatelliteError {
  const where = failed ? `${failed.host}:${failed.port}` : "the API address";
  const code = (error as { code?: string }).code;
  return new SatelliteError("API_LISTEN_FAILED", `cannot listen on ${where}: ${code === "EADDRINUSE" ? "address already in use" : String((error as Error).message)}`, {
    hint: code === "EADDRINUSE" ? `another process (another satellite?) uses ${where}; stop it or pick another --rpc-addr` : "check --rpc-addr",
    cause: error,
  });
}

async function listen(address: ListenAddress, handler: RequestHandler, tls: HttpServerTls | undefined): Promise<Listener> {
  const clientCaPem = tls?.material.clientCaPem;
  if (tls && clientCaPem !== undefined) {
    const exempt = new Set(tls.pathsWithoutClientCert);
    // node:https is loaded only for client-certificate verification: an agent without it does not carry it.
    const { listenNodeHttps } = await import("./node-https-listener.ts");
    const listener = await listenNodeHttps(
      { host: address.host, port: address.port, certPem: tls.material.certPem, keyPem: tls.material.keyPem, clientCaPem, idleTimeoutMs: IDLE_TIMEOUT_S * 1000 },
      (request, peer) => clientCertRefusal(new URL(request.url).pathname, peer.clientCert, exempt) ?? handler(request, { remoteAddress: peer.remoteAddress }),
    );
    return { address: { host: listener.host, port: listener.port }, stop: listener.stop };
  }
  return listenBun(address, handler, tls?.material);
}

function listenBun(address: ListenAddress, handler: RequestHandler, tls: TlsMaterial | undefined): Listener {
  const server = Bun.serve({
    hostname: address.host,
    port: address.port,
    idleTimeout: IDLE_TIMEOUT_S,
    tls: tls ? { cert: tls.certPem, key: tls.keyPem } : undefined,
    fetch: (request, srv) => handler(request, { remoteAddress: srv.requestIP(request)?.address }),
  });
  return { address: { host: server.hostname ?? "", port: server.port ?? 0 }, stop: () => server.stop() };
}

/** The 403 for a request that needs a verified client certificate and has none; undefined lets it through. */
export function clientCertRefusal(pathname: string, clientCert: ClientCertState, pathsWithoutClientCert: ReadonlySet<string>): Response | undefined {
  if (clientCert.verified || pathsWithoutClientCert.has(pathname)) return undefined;
  return Response.json(
    {
      error: `a client certificate signed by the API's client CA is required for ${pathname}; none was presented or it did not verify (${clientCert.error ?? "not verified"})`,
      hint: `present one (satellite status --addr https://HOST:PORT --ca-file CA --client-cert-file CERT --client-key-file KEY, or curl --cacert CA --cert CERT --key KEY); without one only ${[...pathsWithoutClientCert].join(" and ") || "nothing"} answers`,
    },
    { status: 403 },
  );
}
