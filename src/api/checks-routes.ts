import { Hono } from "hono";
import type { ApiDeps, ApiEnv } from "./api-deps.ts";
import { jsonError } from "./json-error.ts";

/** GET /checks (configured checks and their last result), POST /checks/:name/run. */
export function checksRoutes(deps: ApiDeps): Hono<{ Bindings: ApiEnv }> {
  const app = new Hono<{ Bindings: ApiEnv }>();
  app.get("/checks", (c) => c.json({ checks: deps.checks?.list() ?? [], skipped: deps.checks?.skipped?.() ?? [] }));
  app.post("/checks/:name/run", async (c) => {
    const name = c.req.param("name");
    const result = await deps.checks?.run(name);
    if (!result) return jsonError(c, 404, `no check named "${name}"`, "`satellite checks` lists the configured checks");
    return c.json({ name, ...result });
  });
  return app;
}
