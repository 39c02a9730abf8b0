import { type KubeConfig, type PromiseHttpLibrary, type RequestContext, ResponseContext } from "@kubernetes/client-node";
import type { HttpFetch, TlsMaterial } from "../platform/http-fetch.ts";

function pem(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === "string") return value;
  if (value instanceof Uint8Array) return new TextDecoder().decode(value);
  if (Array.isArray(value)) return value.map(pem).filter(Boolean).join("\n");
  return undefined;
}

/**
 * The TLS settings of the kubeconfig's current context (CA, client certificate, skip-verify),
 * in the form Bun's fetch takes. client-node hands them to an undici dispatcher, which Bun's
 * fetch ignores, so they are read here instead.
 */
export async function kubeTls(kc: KubeConfig): Promise<TlsMaterial> {
  const opts: { ca?: unknown; cert?: unknown; key?: unknown; rejectUnauthorized?: boolean } = {};
  await kc.applyToHTTPSOptions(opts as never);
  const tls: TlsMaterial = {};
  const ca = pem(opts.ca);
  const cert = pem(opts.cert);
  const key = pem(opts.key);
  if (ca) tls.ca = ca;
  if (cert) tls.cert = cert;
  if (key) tls.key = key;
  if (opts.rejectUnauthorized === false) tls.rejectUnauthorized = false;
  return tls;
}

/**
 * client-node's generated API clients send through this: requests they built (URL, headers
 * with the bearer token, JSON body) go out through our HttpFetch with the kubeconfig's TLS and
 * the check's abort signal.
 */
export function createBunHttpLibrary(http: HttpFetch, tls: TlsMaterial, signal: AbortSignal): PromiseHttpLibrary {
  return {
    async send(request: RequestContext): Promise<ResponseContext> {
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(request.getHeaders())) headers[name] = String(value);
      const body = request.getBody();
      const response = await http({
        url: request.getUrl(),
        method: request.getHttpMethod().toString(),
        headers,
        body: typeof body === "string" ? body : undefined,
        signal,
        tls,
      });
      const responseHeaders: Record<string, string> = {};
      response.headers.forEach((value, name) => {
        responseHeaders[name] = value;
      });
      // Read once: the generated code may ask for text or binary.
      const bytes = new Uint8Array(await response.arrayBuffer());
      return new ResponseContext(response.status, responseHeaders, {
        text: async () => new TextDecoder().decode(bytes),
        binary: async () => Buffer.from(bytes),
        stream: () => null,
      });
    },
  };
}
