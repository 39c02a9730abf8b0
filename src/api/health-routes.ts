import { Hono } from "hono";
import type { ApiBindings, ApiDeps } from "./api-deps.ts";

/** Kubernetes-style probes: /livez (the process answers) and /readyz (every part works). */
export function healthRoutes(deps: ApiDeps) {
  return new Hono<ApiBindings>()
    .get("/livez", (c) => c.text("ok"))
    .get("/readyz", (c) => {
      const checks = deps.readiness();
      const ready = checks.every((r) => r.ok);
      const verbose = c.req.query("verbose") !== undefined;
      if (!verbose) return c.text(ready ? "ok" : "not ready", ready ? 200 : 503);
      const lines = checks.map((r) => (r.ok ? `[+]${r.name} ok${r.message ? ` (warning: ${r.message})` : ""}` : `[-]${r.name} failed: ${r.message ?? "not ready"}`));
      lines.push(ready ? "readyz check passed" : "readyz check failed");
      return c.text(`${lines.join("\n")}\n`, ready ? 200 : 503);
    });
}
