/**
 * The floor for latency.ts: a bare Bun.serve answering every request with the same bytes the
 * agent sent (gzipped once at level 1 for a client that accepts it): no routing, no render.
 * What the runtime and this machine allow; the agent's figures are read against it.
 */
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { acceptsGzip } from "../../src/platform/accept-encoding.ts";

export function serveBare(bodyPath: string, log: (line: string) => void): void {
  const body = new Uint8Array(readFileSync(bodyPath));
  const gzipped = new Uint8Array(gzipSync(body, { level: 1 }));
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch: (request) =>
      acceptsGzip(request.headers.get("accept-encoding") ?? undefined)
        ? new Response(gzipped, { headers: { "content-type": "application/json", "content-encoding": "gzip" } })
        : new Response(body, { headers: { "content-type": "application/json" } }),
  });
  log(`listening ${server.port}`);
}
