import { createHash, timingSafeEqual } from "node:crypto";
import type { MiddlewareHandler } from "hono";
import type { ApiBindings } from "./api-deps.ts";
import { jsonError } from "./json-error.ts";

/**
 * The one rule for every request that changes the agent (join, leave, run a check, and every
 * mutating route added later):
 * - no token configured (`--api-token`/`--api-token-file` unset): loopback callers only
 *   (127.0.0.0/8, ::1, ::ffff:127.x); a request whose remote address is unknown is not loopback;
 *   a loopback request that carries an `Origin` header (a browser, maybe on a page that
 *   rebinds a name to 127.0.0.1) is refused too, since it could be any web page;
 * - token configured: `Authorization: Bearer <token>` from every caller, loopback included,
 *   compared in constant time;
 * - otherwise 403 with `{"error", "hint"}` saying what to do. The token never appears in an
 *   answer.
 *
 * Which requests mutate: every method but GET, HEAD and OPTIONS. createApp installs this guard
 * in front of all routes, so a new route is guarded by being POST/PUT/PATCH/DELETE: add it
 * with `.post(...)` in its route module and nothing else. The one way to get it wrong is a GET
 * that changes state: never write one. test/api/mutation-guard.test.ts walks every route of
 * the app and fails when a mutating one answers a caller the rule refuses.
 */
export function mutationGuard(apiToken: string | undefined): MiddlewareHandler<ApiBindings> {
  return callerGuard(apiToken, { everyMethod: false });
}

/**
 * The same rule for a read that reveals secrets (GET /keys lists the gossip keys): a route
 * installs it in front of itself, and then even GET needs what a mutation needs.
 */
export function secretReadGuard(apiToken: string | undefined): MiddlewareHandler<ApiBindings> {
  return callerGuard(apiToken, { everyMethod: true });
}

function callerGuard(apiToken: string | undefined, options: { everyMethod: boolean }): MiddlewareHandler<ApiBindings> {
  const expectedDigest = apiToken === undefined ? undefined : digestOf(apiToken);
  return async (c, next) => {
    if (!options.everyMethod && !isMutating(c.req.method)) return next();
    const what = `${c.req.method} ${c.req.path}`;
    if (expectedDigest === undefined) {
      if (!isLoopback(c.env?.remoteAddress)) {
        return jsonError(c, 403, `${what} is allowed from loopback only: this agent has no API token`, "run the command on the node itself, or start the agent with --api-token-file FILE and pass the same token to the CLI (--api-token-file FILE or SATELLITE_API_TOKEN)");
      }
      if (c.req.header("origin") !== undefined) {
        return jsonError(c, 403, `${what} from a web page (Origin header) is refused: this agent has no API token`, "use the satellite CLI or curl without an Origin header, or start the agent with --api-token-file FILE and send the token");
      }
      return next();
    }
    const presented = bearerToken(c.req.header("authorization"));
    if (presented === undefined) {
      return jsonError(c, 403, `${what} needs the API token: this agent has one configured`, "pass it to the CLI with --api-token-file FILE, SATELLITE_API_TOKEN or --api-token (HTTP: Authorization: Bearer <token>)");
    }
    if (!timingSafeEqual(digestOf(presented), expectedDigest)) {
      return jsonError(c, 403, `${what}: the API token does not match the agent's`, "pass the token the agent was started with (--api-token-file FILE, SATELLITE_API_TOKEN or --api-token)");
    }
    return next();
  };
}

const SAFE_METHODS: ReadonlySet<string> = new Set(["GET", "HEAD", "OPTIONS"]);

export function isMutating(method: string): boolean {
  return !SAFE_METHODS.has(method.toUpperCase());
}

/** 127.0.0.0/8, ::1 and IPv4-mapped 127.x; anything else, or no address at all, is not loopback. */
export function isLoopback(address: string | undefined): boolean {
  if (address === undefined) return false;
  const v4 = address.toLowerCase().replace(/^::ffff:/, "");
  if (/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4)) return v4.split(".").every((octet) => Number(octet) <= 255);
  return address === "::1" || address === "0:0:0:0:0:0:0:1";
}

/** The token of `Bearer <token>` (scheme case-insensitive, RFC 6750), or undefined. */
function bearerToken(header: string | undefined): string | undefined {
  const match = header?.match(/^Bearer +(\S+) *$/i);
  return match?.[1];
}

/** Fixed-length digests, so the comparison time depends on neither token's content nor length. */
function digestOf(token: string): Buffer {
  return createHash("sha256").update(token, "utf8").digest();
}
