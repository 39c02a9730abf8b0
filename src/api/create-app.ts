import { Hono } from "hono";
import type { ApiBindings, ApiDeps } from "./api-deps.ts";
import { bodyLimit } from "./body-limit.ts";
import { browserRedirect } from "./browser-redirect.ts";
import { checksRoutes } from "./checks-routes.ts";
import { detectorsRoutes } from "./detectors-route.ts";
import { collectorsRoutes } from "./collectors-routes.ts";
import { eventsRoutes } from "./events-route.ts";
import { execRoutes } from "./exec-routes.ts";
import { forceLeaveRoutes } from "./force-leave-routes.ts";
import { generatorsRoutes } from "./generators-routes.ts";
import { kvRoutes } from "./kv-routes.ts";
import { healthRoutes } from "./health-routes.ts";
import { historyRoutes } from "./history-routes.ts";
import { jsonError } from "./json-error.ts";
import { maintenanceRoutes } from "./maintenance-routes.ts";
import { membersRoutes } from "./members-routes.ts";
import { mutationGuard } from "./mutation-guard.ts";
import { serfQueryRoutes } from "./serf-query-routes.ts";
import { statusRoutes } from "./status-routes.ts";

/** Extra routes the composition root mounts (e.g. /metrics). */
export type RouteModule = Hono<any>;

/**
 * The whole HTTP API as a Hono app; it never listens by itself (see platform/http-server.ts).
 * The mutation guard and the body bound run in front of every route, the extra ones included.
 * Routes are chained so the app's type carries every route's input and answers: `AppType`
 * is what the CLI's typed client (cli/agent-client.ts) is built from.
 */
export function createApp(deps: ApiDeps, extra: readonly RouteModule[] = []) {
  const app = new Hono<ApiBindings>()
    .use(mutationGuard(deps.apiToken))
    .use(bodyLimit())
    .use(browserRedirect(deps.dashboardPath))
    .route("/", statusRoutes(deps))
    .route("/", healthRoutes(deps))
    .route("/", historyRoutes(deps))
    .route("/", checksRoutes(deps))
    .route("/", detectorsRoutes(deps))
    .route("/", collectorsRoutes(deps))
    .route("/", membersRoutes(deps))
    .route("/", forceLeaveRoutes(deps))
    .route("/", execRoutes(deps.remoteExec, deps.apiToken))
    .route("/", serfQueryRoutes(deps.serfQueries, deps.apiToken))
    .route("/", maintenanceRoutes(deps))
    .route("/", generatorsRoutes(deps))
    .route("/", kvRoutes(deps.kv))
    .route("/", eventsRoutes(deps));
  for (const module of extra) app.route("/", module);
  app.notFound((c) => jsonError(c, 404, `no such endpoint: ${c.req.method} ${c.req.path}`, "endpoints: /status, /local, /history, /checks, /detectors, /collectors, /generators, /members, /maintenance, /events, /livez, /readyz, /metrics"));
  app.onError((error, c) => jsonError(c, 500, `internal error: ${error.message}`, "see the agent log"));
  return app;
}

/** The API's routes with their inputs and answers, for `hc<AppType>` (hono/client). */
export type AppType = ReturnType<typeof createApp>;
