import type { MiddlewareHandler } from "hono";
import type { ApiBindings } from "./api-deps.ts";
import type { Parsed } from "./json-body.ts";
import { jsonError, type ApiErrorResponse } from "./json-error.ts";

/**
 * Validates a route's query string strictly: only the `allowed` parameters, each at most
 * once, then `parse` turns the text into typed values (400 naming the parameter and what is
 * allowed otherwise). Typed as Hono's validated `query` input: the handler reads
 * `c.req.valid("query")`, Hono's client types `$get({ query })`.
 */
export function queryInput<Text extends { [K in keyof Text]?: string }, Value extends object>(
  allowed: readonly (keyof Text & string)[],
  parse: (params: Text) => Parsed<Value>,
): MiddlewareHandler<ApiBindings, string, { in: { query: Text }; out: { query: Value } }, ApiErrorResponse<400>> {
  const allowedSet: ReadonlySet<string> = new Set(allowed);
  const list = allowed.join(", ");
  return async (c, next) => {
    const params: Record<string, string> = {};
    for (const [name, values] of Object.entries(c.req.queries())) {
      const shown = name.slice(0, 64);
      if (!allowedSet.has(name)) return jsonError(c, 400, `unknown query parameter "${shown}"`, `allowed: ${list}`);
      if (values.length !== 1) return jsonError(c, 400, `query parameter "${shown}" is given ${values.length} times; give it once`, `allowed: ${list}`);
      params[name] = values[0] ?? "";
    }
    // Every key is one of `allowed` (keys of Text), each with one string value.
    const parsed = parse(params as Text);
    if (!parsed.ok) return jsonError(c, 400, parsed.error, parsed.hint ?? `allowed: ${list}`);
    c.req.addValidatedData("query", parsed.value);
    return next();
  };
}
