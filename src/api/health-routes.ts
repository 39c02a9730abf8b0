import { Hono } from "hono";
import type { ApiDeps, ApiEnv } from "./api-deps.ts";

/** Kubernetes-style probes: /livez (the process answers) and /readyz (every part works). */
export function healthRoutes(deps: ApiDeps): Hono<{ Bindings: ApiEnv }> {
  const app = new Hono<{ Bindings: ApiEnv }>();
  app.get("/livez", (c) => c.text("ok"));
  app.get("/readyz", (c) => {
    const checks = deps.readiness();
    const ready = checks.every((r) => r.ok);
    const verbose = c.req.query("verbose") !== undefined;
    if (!verbose) return c.text(ready ? "ok" : "not ready", ready ? 200 : 503);
    const lines = checks.map((r) => (r.ok ? `[+]${r.name} ok` : `[-]${r.name} failed: ${r.message ?? "not ready"}`));
    lines.push(ready ? "readyz check passed" : "readyz check failed");
    return c.text(`${lines.join("\n")}\n`, ready ? 200 : 503);
  });
  return app;
}
