import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";

/** Every API error has this body: what went wrong and what to do. */
export function jsonError(c: Context, status: ContentfulStatusCode, error: string, hint?: string): Response {
  return c.json(hint ? { error, hint } : { error }, status);
}
