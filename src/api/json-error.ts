import type { Context, TypedResponse } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";

/** Every API error has this body: what went wrong and what to do. */
export interface ApiErrorBody {
  error: string;
  hint?: string;
}

/** An error answer, typed with its status so Hono's client sees it per route. */
export function jsonError<S extends ContentfulStatusCode>(c: Context, status: S, error: string, hint?: string) {
  const body: ApiErrorBody = hint ? { error, hint } : { error };
  return c.json(body, status);
}

/** What jsonError answers, for middleware that declares its error answers to Hono's client. */
export type ApiErrorResponse<S extends ContentfulStatusCode> = Response & TypedResponse<ApiErrorBody, S, "json">;
