import { CONTENT_TYPE } from "../metrics/exposition.ts";
import type { RequestHandler } from "../platform/http-server.ts";
import type { EchoProber } from "./echo-prober.ts";
import { renderNethealthMetrics } from "./nethealth-metrics.ts";

/** The routes `satellite nethealth` serves; read-only, so no authentication. */
export const NETHEALTH_ROUTES = ["/peers", "/metrics", "/livez"] as const;

/** GET /peers (JSON report), /metrics (Prometheus text), /livez; anything else 404 or 405. */
export function createNethealthHandler(prober: Pick<EchoProber, "report" | "drops" | "sendErrors">): RequestHandler {
  return (request) => {
    const path = new URL(request.url).pathname;
    if (!(NETHEALTH_ROUTES as readonly string[]).includes(path)) return json(404, { error: `no route ${path}; nethealth serves ${NETHEALTH_ROUTES.join(", ")}` });
    if (request.method !== "GET" && request.method !== "HEAD") return json(405, { error: `${request.method} ${path} is not allowed; use GET` }, { allow: "GET, HEAD" });
    switch (path) {
      case "/peers":
        return json(200, prober.report());
      case "/metrics":
        return new Response(renderNethealthMetrics(prober.report(), prober.drops(), prober.sendErrors()), { headers: { "content-type": CONTENT_TYPE } });
      default:
        return new Response("ok\n", { headers: { "content-type": "text/plain; charset=utf-8" } });
    }
  };
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });
}
