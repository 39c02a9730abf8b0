import { Hono } from "hono";
import { rfc3339Nano } from "../cluster/status-json.ts";
import type { EventQuery } from "../store/history-store.ts";
import type { MetricNamesQuery } from "../store/metric-series.ts";
import { normaliseStepMs, type SeriesHistoryStore } from "../store/series.ts";
import type { ApiBindings, ApiDeps } from "./api-deps.ts";
import { EVENT_QUERY_PARAMS, parseEventQuery, parseSeriesQuery, SERIES_QUERY_PARAMS, type EventQueryText, type SeriesQueryText, type SeriesRequest } from "./history-query.ts";
import { jsonError } from "./json-error.ts";
import { METRIC_NAMES_QUERY_PARAMS, parseMetricNamesQuery, type MetricNamesQueryText } from "./metric-names-query.ts";
import { queryInput } from "./query-input.ts";

/** GET /history (timeline events), GET /history/series (points for plotting) and GET /history/metrics (a node's metric names); unknown or bad parameters are 400. */
export function historyRoutes(deps: ApiDeps) {
  return new Hono<ApiBindings>()
    .get(
      "/history",
      queryInput<EventQueryText, EventQuery>(EVENT_QUERY_PARAMS, (params) => parseEventQuery(params, deps.clock.nowMs())),
      async (c) => {
        const events = await deps.history.queryEvents(c.req.valid("query"));
        return c.json({ events: events.map((e) => ({ ...e, timestamp: rfc3339Nano(e.timestamp) })) }, 200);
      },
    )
    .get(
      "/history/series",
      queryInput<SeriesQueryText, SeriesRequest>(SERIES_QUERY_PARAMS, (params) => parseSeriesQuery(params, deps.clock.nowMs())),
      async (c) => {
        const request = c.req.valid("query");
        if (request.of === "metric") {
          const { query } = request;
          const points = await deps.history.queryMetricSeries(query);
          return c.json({ metric: query.metric, node: query.node, peer: query.peer, stepMs: normaliseStepMs(query.stepMs), points }, 200);
        }
        const store = deps.history as Partial<SeriesHistoryStore>;
        if (!store.querySeries) return jsonError(c, 501, "this history backend keeps no series");
        const { query } = request;
        const points = await store.querySeries(query);
        return c.json({ checker: query.checker, node: query.node, stepMs: normaliseStepMs(query.stepMs), points }, 200);
      },
    )
    .get("/history/metrics", queryInput<MetricNamesQueryText, MetricNamesQuery>(METRIC_NAMES_QUERY_PARAMS, parseMetricNamesQuery), async (c) => {
      if (!deps.history.listMetrics) return jsonError(c, 501, "this history backend cannot list metric names");
      const query = c.req.valid("query");
      return c.json({ node: query.node, prefix: query.prefix, metrics: await deps.history.listMetrics(query) }, 200);
    });
}
