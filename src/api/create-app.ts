import { Hono } from "hono";
import type { ApiDeps, ApiEnv } from "./api-deps.ts";
import { checksRoutes } from "./checks-routes.ts";
import { healthRoutes } from "./health-routes.ts";
import { historyRoutes } from "./history-routes.ts";
import { jsonError } from "./json-error.ts";
import { membersRoutes } from "./members-routes.ts";
import { statusRoutes } from "./status-routes.ts";

/** Extra routes the composition root mounts (e.g. /metrics). */
export type RouteModule = Hono<any>;

/** The whole HTTP API as a Hono app; it never listens by itself (see platform/http-server.ts). */
export function createApp(deps: ApiDeps, extra: readonly RouteModule[] = []): Hono<{ Bindings: ApiEnv }> {
  const app = new Hono<{ Bindings: ApiEnv }>();
  app.route("/", statusRoutes(deps));
  app.route("/", healthRoutes(deps));
  app.route("/", historyRoutes(deps));
  app.route("/", checksRoutes(deps));
  app.route("/", membersRoutes(deps));
  for (const module of extra) app.route("/", module);
  app.notFound((c) => jsonError(c, 404, `no such endpoint: ${c.req.method} ${c.req.path}`, "endpoints: /status, /local, /history, /checks, /members, /livez, /readyz, /metrics"));
  app.onError((error, c) => jsonError(c, 500, `internal error: ${error.message}`, "see the agent log"));
  return app;
}
