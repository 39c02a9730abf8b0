import { Hono } from "hono";
import { CONTENT_TYPE } from "./exposition.ts";

/** `GET /metrics` in the Prometheus text format; mount with `app.route("/", metricsRoute(m))`. */
export function metricsRoute(metrics: { render(): string }): Hono {
  const app = new Hono();
  app.get("/metrics", (c) => c.body(metrics.render(), 200, { "content-type": CONTENT_TYPE }));
  return app;
}
