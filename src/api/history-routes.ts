import { Hono } from "hono";
import { rfc3339Nano } from "../cluster/status-json.ts";
import { parseDurationMs } from "../config/duration.ts";
import { normaliseStepMs, type SeriesHistoryStore } from "../store/series.ts";
import type { ApiDeps, ApiEnv } from "./api-deps.ts";
import { parseEventQuery, parseSince } from "./history-query.ts";
import { jsonError } from "./json-error.ts";

/** GET /history (timeline events) and GET /history/series (points for plotting). */
export function historyRoutes(deps: ApiDeps): Hono<{ Bindings: ApiEnv }> {
  const app = new Hono<{ Bindings: ApiEnv }>();
  app.get("/history", async (c) => {
    const query = parseEventQuery(c.req.query(), deps.clock.nowMs());
    if (typeof query === "string") return jsonError(c, 400, query, "filters: node, probe, type, since, limit");
    const events = await deps.history.queryEvents(query);
    return c.json({ events: events.map((e) => ({ ...e, timestamp: rfc3339Nano(e.timestamp) })) });
  });
  app.get("/history/series", async (c) => {
    const store = deps.history as Partial<SeriesHistoryStore>;
    if (!store.querySeries) return jsonError(c, 501, "this history backend keeps no series");
    const { checker, node, since = "1h", step = "1m" } = c.req.query();
    if (!checker) return jsonError(c, 400, "checker is required", "e.g. /history/series?checker=disk-space&since=24h&step=5m");
    const sinceMs = parseSince(since, deps.clock.nowMs());
    if (typeof sinceMs === "string") return jsonError(c, 400, sinceMs);
    const stepMs = parseDurationMs(step);
    if (stepMs === undefined || stepMs < 1000) return jsonError(c, 400, `step "${step}" must be a duration of at least 1s, e.g. 1m`);
    const points = await store.querySeries({ checker, node, sinceMs, stepMs });
    return c.json({ checker, node, stepMs: normaliseStepMs(stepMs), points });
  });
  return app;
}
