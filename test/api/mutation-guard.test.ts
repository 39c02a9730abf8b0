import { describe, expect, test } from "bun:test";
import { Hono } from "hono";
import { isLoopback, isMutating } from "../../src/api/mutation-guard.ts";
import { FIXTURE_KEY, makeApp } from "./app-fixture.ts";

const TOKEN = "0123456789abcdef0123-secret";

type Fixture = ReturnType<typeof makeApp>;

/** Every route of the app that changes something, found by walking the app: a route added later is covered too. */
function mutatingRoutes(app: Fixture["app"]): { method: string; path: string }[] {
  const seen = new Set<string>();
  const routes: { method: string; path: string }[] = [];
  for (const route of app.routes) {
    if (route.method === "ALL" || !isMutating(route.method)) continue;
    const key = `${route.method} ${route.path}`;
    if (seen.has(key)) continue;
    seen.add(key);
    routes.push({ method: route.method, path: route.path });
  }
  return routes;
}

/** A request the route would carry out when allowed: real parameters and a valid body. */
function requestFor(route: { method: string; path: string }, headers: Record<string, string> = {}): RequestInit & { url: string } {
  const url = route.path.replace(":name", "disk-space").replace("/kv/*", "/kv/app/config");
  const body = route.path === "/join" ? JSON.stringify({ addresses: ["10.0.0.2:7946"] }) : route.path === "/force-leave" ? JSON.stringify({ node: "n3" }) : route.path === "/maintenance" ? JSON.stringify(route.method === "POST" ? { node: "n3", for: "1h" } : { node: "n3" }) : undefined;
  const execBody = route.path === "/exec" ? JSON.stringify({ argv: ["uptime"] }) : undefined;
  const queryBody = route.path === "/query" ? JSON.stringify({ name: "ping" }) : route.path.startsWith("/keys/") ? JSON.stringify({ key: FIXTURE_KEY }) : undefined;
  const kvBody = route.path === "/kv/*" ? "port=80" : undefined;
  return { url, method: route.method, body: body ?? execBody ?? queryBody ?? kvBody, headers: { "content-type": "application/json", ...headers } };
}

/** Did the route's handler run? The fixture records every join, leave and check run. */
function effects(state: Fixture["state"]): number {
  return state.joined.length + state.left + state.ran.length + state.forced.length + state.rendered.length + state.maintenance.length + state.execs.length + state.queried.length + state.kvWrites.length;
}

async function call(fixture: Fixture, route: { method: string; path: string }, env: { remoteAddress?: string }, headers: Record<string, string> = {}) {
  const { url, ...init } = requestFor(route, headers);
  const before = effects(fixture.state);
  const response = await fixture.app.request(url, init, env);
  const body = (await response.json()) as Record<string, unknown>;
  return { status: response.status, body, ran: effects(fixture.state) > before };
}

describe("isLoopback", () => {
  test.each([
    ["127.0.0.1", true],
    ["127.255.255.254", true],
    ["127.1.2.3", true],
    ["::1", true],
    ["::ffff:127.0.0.1", true],
    ["::FFFF:127.0.0.9", true],
    [undefined, false],
    ["", false],
    ["10.0.0.1", false],
    ["128.0.0.1", false],
    ["127.0.0.1.evil", false],
    ["127.0.0.256", false],
    ["1127.0.0.1", false],
    ["::ffff:10.0.0.1", false],
    ["::2", false],
    ["fe80::1", false],
    ["0.0.0.0", false],
  ] as const)("%p -> %p", (address, expected) => {
    expect(isLoopback(address)).toBe(expected);
  });
});

describe("the mutation guard on every mutating route", () => {
  test("the walk finds join, leave and checks run (and nothing reads as mutating by mistake)", () => {
    const routes = mutatingRoutes(makeApp().app).map((r) => `${r.method} ${r.path}`);
    expect(routes).toEqual(expect.arrayContaining(["POST /join", "POST /leave", "POST /force-leave", "POST /checks/:name/run", "POST /generators/:name/render", "POST /exec", "POST /query", "POST /keys/install", "POST /keys/use", "POST /keys/remove"]));
    expect(routes.every((r) => !r.startsWith("GET "))).toBe(true);
  });

  test("no token: loopback callers may mutate", async () => {
    for (const route of mutatingRoutes(makeApp().app)) {
      for (const remoteAddress of ["127.0.0.1", "::1", "::ffff:127.0.0.1", "127.8.9.10"]) {
        const fixture = makeApp();
        const result = await call(fixture, route, { remoteAddress });
        expect({ route: route.path, remoteAddress, status: result.status, ran: result.ran }).toEqual({ route: route.path, remoteAddress, status: 200, ran: true });
      }
    }
  });

  test("no token: anyone else, or an unknown address, gets 403 with what to do, and nothing happens", async () => {
    for (const route of mutatingRoutes(makeApp().app)) {
      for (const env of [{ remoteAddress: "10.0.0.1" }, { remoteAddress: "::ffff:192.168.1.9" }, { remoteAddress: "fe80::1" }, {}]) {
        const fixture = makeApp();
        const result = await call(fixture, route, env);
        expect({ route: route.path, env, status: result.status, ran: result.ran }).toEqual({ route: route.path, env, status: 403, ran: false });
        expect(result.body.error).toBe(`${route.method} ${requestFor(route).url} is allowed from loopback only: this agent has no API token`);
        expect(String(result.body.hint)).toContain("--api-token-file");
      }
    }
  });

  test("no token: a browser on loopback (Origin header) is refused", async () => {
    for (const route of mutatingRoutes(makeApp().app)) {
      const fixture = makeApp();
      const result = await call(fixture, route, { remoteAddress: "127.0.0.1" }, { origin: "http://rebound.example:7575" });
      expect({ route: route.path, status: result.status, ran: result.ran }).toEqual({ route: route.path, status: 403, ran: false });
      expect(String(result.body.error)).toContain("from a web page (Origin header) is refused");
    }
  });

  test("token configured: required from loopback too; missing or wrong is 403; right is allowed from anywhere", async () => {
    for (const route of mutatingRoutes(makeApp().app)) {
      const cases: [string, { remoteAddress?: string }, Record<string, string>, number, string | undefined][] = [
        ["loopback, no token", { remoteAddress: "127.0.0.1" }, {}, 403, "needs the API token: this agent has one configured"],
        ["::1, no token", { remoteAddress: "::1" }, {}, 403, "needs the API token"],
        ["loopback, wrong token", { remoteAddress: "127.0.0.1" }, { authorization: "Bearer 0123456789abcdef0123-secreT" }, 403, "the API token does not match the agent's"],
        ["loopback, a prefix of the token", { remoteAddress: "127.0.0.1" }, { authorization: `Bearer ${TOKEN.slice(0, 5)}` }, 403, "does not match"],
        ["loopback, the token and more", { remoteAddress: "127.0.0.1" }, { authorization: `Bearer ${TOKEN}x` }, 403, "does not match"],
        ["loopback, another scheme", { remoteAddress: "127.0.0.1" }, { authorization: `Basic ${TOKEN}` }, 403, "needs the API token"],
        ["remote, no token", { remoteAddress: "10.0.0.1" }, {}, 403, "needs the API token"],
        ["remote, wrong token", { remoteAddress: "10.0.0.1" }, { authorization: "Bearer nope" }, 403, "does not match"],
        ["loopback, right token", { remoteAddress: "127.0.0.1" }, { authorization: `Bearer ${TOKEN}` }, 200, undefined],
        ["remote, right token", { remoteAddress: "10.0.0.1" }, { authorization: `Bearer ${TOKEN}` }, 200, undefined],
        ["unknown address, right token, lower-case scheme", {}, { authorization: `bearer ${TOKEN}` }, 200, undefined],
        ["browser with the token", { remoteAddress: "10.0.0.1" }, { authorization: `Bearer ${TOKEN}`, origin: "http://x" }, 200, undefined],
      ];
      for (const [name, env, headers, status, error] of cases) {
        const fixture = makeApp({ apiToken: TOKEN });
        const result = await call(fixture, route, env, headers);
        expect({ route: route.path, name, status: result.status, ran: result.ran }).toEqual({ route: route.path, name, status, ran: status === 200 });
        if (error !== undefined) {
          expect(String(result.body.error)).toContain(error);
          expect(String(result.body.hint)).toContain("--api-token-file FILE, SATELLITE_API_TOKEN or --api-token");
        }
        expect(JSON.stringify(result.body)).not.toContain(TOKEN);
      }
    }
  });

  test("reading is not guarded: GET routes answer anyone", async () => {
    const { app } = makeApp({ apiToken: TOKEN });
    for (const path of ["/status", "/local", "/checks", "/members", "/history", "/livez", "/version"]) {
      expect({ path, status: (await app.request(path, {}, { remoteAddress: "10.9.9.9" })).status }).toEqual({ path, status: 200 });
    }
  });

  test("a mutating route mounted later (an extra module) is guarded without doing anything", async () => {
    let calls = 0;
    const extra = new Hono().delete("/things/:id", (c) => {
      calls++;
      return c.json({ deleted: c.req.param("id") });
    });
    const { app } = makeApp({}, [extra]);
    expect(mutatingRoutes(app).map((r) => `${r.method} ${r.path}`)).toContain("DELETE /things/:id");
    expect((await app.request("/things/1", { method: "DELETE" }, { remoteAddress: "10.0.0.1" })).status).toBe(403);
    expect(calls).toBe(0);
    expect((await app.request("/things/1", { method: "DELETE" }, { remoteAddress: "127.0.0.1" })).status).toBe(200);
    expect(calls).toBe(1);
  });
});
