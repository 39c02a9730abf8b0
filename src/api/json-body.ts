import type { MiddlewareHandler } from "hono";
import type { ApiBindings } from "./api-deps.ts";
import { jsonError, type ApiErrorResponse } from "./json-error.ts";

/** A validator's answer: the typed value, or what is wrong with the input and what to do. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string; hint?: string };

/**
 * Reads the request body (already bounded by body-limit.ts) as JSON and validates it with
 * `parse`; 400 naming the problem otherwise. The content type is not required: curl's default
 * form type still parses. Typed as Hono's validated `json` input, so the handler reads
 * `c.req.valid("json")` and Hono's client types `$post({ json })`.
 */
export function jsonBody<T extends object>(parse: (value: unknown) => Parsed<T>): MiddlewareHandler<ApiBindings, string, { in: { json: T }; out: { json: T } }, ApiErrorResponse<400>> {
  return async (c, next) => {
    let value: unknown;
    try {
      value = JSON.parse(await c.req.text());
    } catch (error) {
      return jsonError(c, 400, `body is not JSON: ${error instanceof Error ? error.message : String(error)}`.slice(0, 200));
    }
    const parsed = parse(value);
    if (!parsed.ok) return jsonError(c, 400, parsed.error, parsed.hint);
    c.req.addValidatedData("json", parsed.value);
    return next();
  };
}
