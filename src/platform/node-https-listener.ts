import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer } from "node:https";
import { Readable } from "node:stream";
import type { TLSSocket } from "node:tls";
import { describeError } from "./errors.ts";

/**
 * An HTTPS listener that asks every client for a certificate but lets the handler decide per
 * request what an unverified one may reach. Bun.serve can request a client certificate, but
 * it offers no way to learn per request whether one was presented and verified: with
 * `rejectUnauthorized: true` the TLS layer refuses every client without one (kubelet probes
 * included), with `false` it accepts every client silently. node:https (which Bun implements)
 * exposes `socket.authorized` per connection, so this adapter translates its request and
 * response to the web-standard ones the rest of the server speaks.
 */

export interface ClientCertState {
  verified: boolean;
  /** OpenSSL's reason when not verified, e.g. UNABLE_TO_GET_ISSUER_CERT (also when none was sent). */
  error?: string;
}

export type PeerAwareHandler = (request: Request, peer: { remoteAddress?: string; clientCert: ClientCertState }) => Response | Promise<Response>;

export interface NodeHttpsOptions {
  host: string;
  port: number;
  certPem: string;
  keyPem: string;
  clientCaPem: string;
  idleTimeoutMs: number;
}

export interface NodeHttpsListener {
  host: string;
  port: number;
  stop(): Promise<void>;
}

/** Listens; rejects with the listen error (EADDRINUSE...) instead of emitting it later. */
export function listenNodeHttps(options: NodeHttpsOptions, handler: PeerAwareHandler): Promise<NodeHttpsListener> {
  const server = createServer(
    { cert: options.certPem, key: options.keyPem, ca: options.clientCaPem, requestCert: true, rejectUnauthorized: false },
    (req, res) => void serve(req, res, options, handler),
  );
  // Closes connections idle this long, as Bun.serve's idleTimeout does for the other listeners (slow clients).
  server.setTimeout(options.idleTimeoutMs);
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      server.off("error", reject);
      const address = server.address();
      resolve({
        host: options.host,
        port: typeof address === "object" && address ? address.port : options.port,
        stop: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeIdleConnections();
          }),
      });
    });
  });
}

async function serve(req: IncomingMessage, res: ServerResponse, options: NodeHttpsOptions, handler: PeerAwareHandler): Promise<void> {
  const socket = req.socket as TLSSocket;
  const clientCert: ClientCertState = socket.authorized ? { verified: true } : { verified: false, error: String(socket.authorizationError ?? "no client certificate") };
  const path = req.url ?? "";
  if (!path.startsWith("/")) {
    res.writeHead(400, { "content-type": "application/json" }).end(JSON.stringify({ error: "the request target must be a path starting with /" }));
    return;
  }
  // Aborts the handler's view of the request (streams, long polls) when the client goes away.
  const aborted = new AbortController();
  res.on("close", () => {
    if (!res.writableFinished) aborted.abort();
  });
  let response: Response;
  try {
    response = await handler(toRequest(req, path, options, aborted.signal), { remoteAddress: socket.remoteAddress, clientCert });
  } catch (error) {
    response = Response.json({ error: `internal error: ${describeError(error)}`, hint: "see the agent log" }, { status: 500 });
  }
  await writeResponse(response, res);
}

function toRequest(req: IncomingMessage, path: string, options: NodeHttpsOptions, signal: AbortSignal): Request {
  const headers = new Headers();
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) headers.append(req.rawHeaders[i] as string, req.rawHeaders[i + 1] as string);
  const method = req.method ?? "GET";
  const hasBody = method !== "GET" && method !== "HEAD";
  // The origin is our own listen address, never the client's Host header: routes see only the path.
  const host = options.host.includes(":") ? `[${options.host}]` : options.host;
  return new Request(`https://${host}:${options.port}${path}`, {
    method,
    headers,
    body: hasBody ? (Readable.toWeb(req) as ReadableStream<Uint8Array>) : undefined,
    signal,
    // A streamed request body needs it (the fetch standard).
    duplex: "half",
  });
}

async function writeResponse(response: Response, res: ServerResponse): Promise<void> {
  const headers: Record<string, string | string[]> = {};
  response.headers.forEach((value, name) => {
    if (name !== "set-cookie") headers[name] = value;
  });
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) headers["set-cookie"] = cookies;
  res.writeHead(response.status, headers);
  if (!response.body) {
    res.end();
    return;
  }
  const reader = response.body.getReader();
  res.on("close", () => void reader.cancel().catch(() => {}));
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done || res.destroyed) break;
      // Backpressure: a slow client pauses the producer instead of growing our buffer.
      if (!res.write(value)) await new Promise<void>((resume) => (res.once("drain", resume), res.once("close", resume)));
    }
  } catch {
    // The producer failed mid-body; the client sees a truncated response, as with Bun.serve.
  } finally {
    res.end();
  }
}
