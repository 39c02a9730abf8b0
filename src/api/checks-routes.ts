import { Hono } from "hono";
import type { ApiBindings, ApiDeps } from "./api-deps.ts";
import { jsonError } from "./json-error.ts";

/** GET /checks (configured checks and their last result); POST /checks/:name/run (mutating: guarded by createApp). */
export function checksRoutes(deps: ApiDeps) {
  return new Hono<ApiBindings>()
    .get("/checks", (c) => c.json({ checks: deps.checks?.list() ?? [], skipped: deps.checks?.skipped?.() ?? [] }, 200))
    .post("/checks/:name/run", async (c) => {
      const name = c.req.param("name");
      const result = await deps.checks?.run(name);
      if (!result) return jsonError(c, 404, `no check named "${name.slice(0, 128)}"`, "`satellite checks` lists the configured checks");
      return c.json({ name, ...result }, 200);
    });
}
