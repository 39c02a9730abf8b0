/** TLS material for one request, already loaded (PEM text). */
export interface TlsMaterial {
  ca?: string;
  cert?: string;
  key?: string;
  /** False skips server certificate verification. */
  rejectUnauthorized?: boolean;
}

export interface HttpRequest {
  url: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
  tls?: TlsMaterial;
  /** Send the request over this unix socket instead of TCP (host part of the URL is ignored). */
  unixSocket?: string;
}

/** One HTTP exchange. Rejects on network errors and on abort, like fetch. */
export type HttpFetch = (request: HttpRequest) => Promise<Response>;

/**
 * Bun's fetch, whose `tls` option carries CA, client certificates and skip-verify (Node's
 * https.Agent options are ignored by Bun's fetch, so this is the one way in).
 */
export const bunHttpFetch: HttpFetch = (request) =>
  fetch(request.url, {
    method: request.method ?? "GET",
    headers: request.headers,
    body: request.body,
    signal: request.signal,
    redirect: "manual",
    tls: request.tls,
    unix: request.unixSocket,
  });
