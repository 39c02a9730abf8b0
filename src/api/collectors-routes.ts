import { Hono } from "hono";
import { COLLECTOR_NAMES } from "../collectors/collector-catalog.ts";
import type { CollectorSource } from "../collectors/collector-manager.ts";
import type { ApiBindings, ApiDeps } from "./api-deps.ts";
import { jsonError } from "./json-error.ts";

/** How long a request for one collector keeps it collecting (docs/collectors.md). */
export const API_COLLECTOR_LEASE_MS = 10 * 60_000;

export type CollectorsApiSource = Pick<CollectorSource, "use" | "snapshot" | "list">;

/**
 * GET /collectors: every collector, whether it runs and when it last collected (starts none).
 * GET /collectors/NAME: its values; starts it when it is not running (a lease of 10 minutes).
 */
export function collectorsRoutes(deps: ApiDeps) {
  return new Hono<ApiBindings>()
    .get("/collectors", (c) => c.json({ collectors: deps.collectors?.list() ?? [] }, 200))
    .get("/collectors/:name", async (c) => {
      const name = c.req.param("name");
      const source = deps.collectors;
      // Names come from the fixed catalog; anything else is answered without touching the manager.
      if (!source || !COLLECTOR_NAMES.includes(name)) {
        return jsonError(c, 404, `no collector named ${JSON.stringify(name.slice(0, 64))}`, `collectors: ${COLLECTOR_NAMES.join(", ")}`);
      }
      await source.use([name], API_COLLECTOR_LEASE_MS);
      const snapshot = source.snapshot(name);
      if (!snapshot) return jsonError(c, 404, `no collector named ${JSON.stringify(name)}`, `collectors: ${COLLECTOR_NAMES.join(", ")}`);
      return c.json({ collector: snapshot }, 200);
    });
}
