import { Hono, type Context, type MiddlewareHandler, type TypedResponse } from "hono";
import { omitEmpty, type ClusterStatusJson } from "../cluster/status-json.ts";
import type { ApiBindings, ApiDeps } from "./api-deps.ts";

interface RenderedStatus {
  atMs: number;
  body: string;
  code: 200 | 503;
}

/** The pre-rendered JSON text of a ClusterStatusJson, typed as such for Hono's client. */
type ClusterStatusResponse = Response & TypedResponse<ClusterStatusJson, 200 | 503, "json">;

/**
 * Declares /status's parameters for Hono's client without enforcing anything: `details` and
 * `always200` are flags (present or not), and other parameters (cache busters of monitoring
 * tools) are ignored.
 */
const statusQuery: MiddlewareHandler<ApiBindings, string, { in: { query: { details?: string; always200?: string } } }> = async (_c, next) => next();

/**
 * GET / and /status (the cluster), GET /local (this node): 200 when running, 503 otherwise.
 * The rendered cluster status is reused for `deps.statusCacheMs`, so a burst of requests
 * (dashboards, load balancers, scripts polling every node) costs one render, not one each.
 */
export function statusRoutes(deps: ApiDeps) {
  const cacheMs = deps.statusCacheMs ?? 0;
  const cache = new Map<boolean, RenderedStatus>();
  const render = async (details: boolean): Promise<RenderedStatus> => {
    const now = deps.clock.monotonicMs();
    const cached = cache.get(details);
    if (cached && now - cached.atMs < cacheMs) return cached;
    const status: ClusterStatusJson = await deps.status.cluster({ details });
    const rendered: RenderedStatus = { atMs: now, body: JSON.stringify(omitEmpty(status)), code: status.status === "running" ? 200 : 503 };
    if (cacheMs > 0) cache.set(details, rendered);
    return rendered;
  };
  const cluster = async (c: Context<ApiBindings>): Promise<ClusterStatusResponse> => {
    const rendered = await render(c.req.query("details") !== undefined);
    // The dashboard reads the verdict from the body: a 503 would be logged by the browser as an error on every refresh.
    const code = c.req.query("always200") !== undefined ? 200 : rendered.code;
    // The body is JSON.stringify of a ClusterStatusJson (omitEmpty drops only empty fields).
    return c.body(rendered.body, code, { "content-type": "application/json" }) as unknown as ClusterStatusResponse;
  };
  return new Hono<ApiBindings>()
    .get("/", statusQuery, (c) => cluster(c))
    .get("/status", statusQuery, (c) => cluster(c))
    .get("/local", (c) => {
      const local = deps.status.local();
      return c.json(omitEmpty(local), local.status === "running" ? 200 : 503);
    })
    .get("/version", (c) => c.json(deps.version, 200));
}
