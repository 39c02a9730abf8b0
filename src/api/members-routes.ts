import { Hono } from "hono";
import type { ApiBindings, ApiDeps } from "./api-deps.ts";
import { parseJoinRequest } from "./join-request.ts";
import { jsonBody } from "./json-body.ts";
import { jsonError } from "./json-error.ts";

/** GET /members; POST /join and /leave (mutating: createApp's mutation guard decides who may). */
export function membersRoutes(deps: ApiDeps) {
  return new Hono<ApiBindings>()
    .get("/members", (c) => c.json({ members: deps.membership?.list() ?? [] }))
    .post("/join", jsonBody(parseJoinRequest), async (c) => {
      if (!deps.membership) return jsonError(c, 503, "gossip is not running on this agent");
      const { addresses } = c.req.valid("json");
      const joined = await deps.membership.join(addresses);
      if (joined === 0) return jsonError(c, 502, `could not join any of ${addresses.join(", ")}`, "check the addresses, the gossip port (default 7946, UDP and TCP) and the encryption key");
      return c.json({ joined }, 200);
    })
    .post("/leave", async (c) => {
      if (!deps.membership) return jsonError(c, 503, "gossip is not running on this agent");
      await deps.membership.leave();
      return c.json({ left: true }, 200);
    });
}
