import type { MiddlewareHandler } from "hono";

/**
 * Sends a browser that opens the agent's address (`GET /` asking for HTML) to the dashboard,
 * while curl, scripts and monitoring (no Accept, `*\/*`, `application/json`) keep getting the
 * status JSON at `/`. `GET /` answers carry `Vary: Accept`, so a cache keeps the two apart.
 * Without a dashboard path it does nothing.
 */
export function browserRedirect(dashboardPath: string | undefined): MiddlewareHandler {
  return async (c, next) => {
    if (dashboardPath === undefined || c.req.path !== "/" || (c.req.method !== "GET" && c.req.method !== "HEAD")) return next();
    if (prefersHtml(c.req.header("accept"))) {
      c.header("vary", "Accept");
      return c.redirect(dashboardPath, 302);
    }
    await next();
    c.res.headers.append("vary", "Accept");
  };
}

/**
 * True when the Accept header names `text/html` explicitly and ranks it at least as high as
 * JSON: what browsers send for a page, never what curl (`*\/*`) or a JSON client sends.
 */
export function prefersHtml(accept: string | undefined): boolean {
  if (accept === undefined) return false;
  let html = 0;
  let json = 0;
  for (const range of accept.split(",").slice(0, 64)) {
    const [type, ...params] = range.trim().toLowerCase().split(";");
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    const q = qParam === undefined ? 1 : Number(qParam.slice(2));
    if (!Number.isFinite(q)) continue;
    const media = type?.trim();
    if (media === "text/html" || media === "application/xhtml+xml") html = Math.max(html, q);
    if (media === "application/json") json = Math.max(json, q);
  }
  return html > 0 && html >= json;
}
