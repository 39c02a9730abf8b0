import { Hono, type Context } from "hono";
import type { ApiDeps, ApiEnv } from "./api-deps.ts";
import { jsonError } from "./json-error.ts";

const LOOPBACK = /^(127\.|::1$|::ffff:127\.)/;

/** GET /members, and POST /join and /leave, which answer only on loopback unless the API token is presented. */
export function membersRoutes(deps: ApiDeps): Hono<{ Bindings: ApiEnv }> {
  const app = new Hono<{ Bindings: ApiEnv }>();
  const allowedToMutate = (c: Context<{ Bindings: ApiEnv }>): boolean => {
    const remote = c.env?.remoteAddress;
    if (remote !== undefined && LOOPBACK.test(remote)) return true;
    if (remote === undefined && deps.apiToken === undefined) return true;
    return deps.apiToken !== undefined && c.req.header("authorization") === `Bearer ${deps.apiToken}`;
  };
  app.get("/members", (c) => c.json({ members: deps.membership?.list() ?? [] }));
  app.post("/join", async (c) => {
    if (!allowedToMutate(c)) return jsonError(c, 403, "join is allowed from loopback only", "run `satellite join` on the node itself, or configure --api-token and send it as a Bearer token");
    if (!deps.membership) return jsonError(c, 503, "gossip is not running on this agent");
    const body = (await c.req.json().catch(() => undefined)) as { addresses?: unknown } | undefined;
    const addresses = body?.addresses;
    if (!Array.isArray(addresses) || addresses.length === 0 || !addresses.every((a) => typeof a === "string")) {
      return jsonError(c, 400, 'body must be JSON {"addresses": ["host:port", ...]}');
    }
    const joined = await deps.membership.join(addresses as string[]);
    if (joined === 0) return jsonError(c, 502, `could not join any of ${addresses.join(", ")}`, "check the addresses, the gossip port (default 7946, UDP and TCP) and the encryption key");
    return c.json({ joined });
  });
  app.post("/leave", async (c) => {
    if (!allowedToMutate(c)) return jsonError(c, 403, "leave is allowed from loopback only", "run `satellite leave` on the node itself, or configure --api-token");
    if (!deps.membership) return jsonError(c, 503, "gossip is not running on this agent");
    await deps.membership.leave();
    return c.json({ left: true });
  });
  return app;
}
