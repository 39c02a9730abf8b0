import { Hono } from "hono";
import { omitEmpty, type ClusterStatusJson } from "../cluster/status-json.ts";
import type { ApiDeps, ApiEnv } from "./api-deps.ts";

interface RenderedStatus {
  atMs: number;
  body: string;
  code: 200 | 503;
}

/**
 * GET / and /status (the cluster), GET /local (this node): 200 when running, 503 otherwise.
 * The rendered cluster status is reused for `deps.statusCacheMs`, so a burst of requests
 * (dashboards, load balancers, scripts polling every node) costs one render, not one each.
 */
export function statusRoutes(deps: ApiDeps): Hono<{ Bindings: ApiEnv }> {
  const app = new Hono<{ Bindings: ApiEnv }>();
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
  const cluster = async (c: { body: (body: string, code: 200 | 503, headers: Record<string, string>) => Response; req: { query(name: string): string | undefined } }) => {
    const rendered = await render(c.req.query("details") !== undefined);
    return c.body(rendered.body, rendered.code, { "content-type": "application/json" });
  };
  app.get("/", (c) => cluster(c));
  app.get("/status", (c) => cluster(c));
  app.get("/local", (c) => {
    const local = deps.status.local();
    return c.json(omitEmpty(local), local.status === "running" ? 200 : 503);
  });
  app.get("/version", (c) => c.json(deps.version));
  return app;
}
