import { Hono } from "hono";
import { omitEmpty } from "../cluster/status-json.ts";
import type { ApiDeps, ApiEnv } from "./api-deps.ts";

/** GET / and /status (the cluster), GET /local (this node): 200 when running, 503 otherwise. */
export function statusRoutes(deps: ApiDeps): Hono<{ Bindings: ApiEnv }> {
  const app = new Hono<{ Bindings: ApiEnv }>();
  const cluster = async (c: { json: (body: unknown, status: 200 | 503) => Response; req: { query(name: string): string | undefined } }) => {
    const status = await deps.status.cluster({ details: c.req.query("details") !== undefined });
    return c.json(omitEmpty(status), status.status === "running" ? 200 : 503);
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
