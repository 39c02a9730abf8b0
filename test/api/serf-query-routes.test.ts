import { describe, expect, test } from "bun:test";
import { FIXTURE_KEY, makeApp } from "./app-fixture.ts";

const post = (body: unknown) => ({ method: "POST", body: JSON.stringify(body), headers: { "content-type": "application/json" } });
const LOOPBACK = { remoteAddress: "127.0.0.1" };

describe("POST /query, GET /keys, POST /keys/*", () => {
  test("a query answers with acks and responses as text", async () => {
    const { app, state } = makeApp();
    const res = await app.request("/query", post({ name: "ping", payload: "x", tags: { role: "^master$" }, nodes: ["n1"] }), LOOPBACK);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ acks: ["n1"], responses: [{ from: "n1", payload: "pong" }] });
    expect(state.queried).toEqual(["query ping"]);
  });

  test.each([
    [{}, /name must be a non-empty string/],
    [{ name: "q", tags: ["x"] }, /tags must be an object/],
    [{ name: "q", nodes: ["bad\nname"] }, /nodes must be a list of member names/],
    [{ name: "q", timeoutMs: -5 }, /timeoutMs must be a positive integer/],
    [{ name: "q", other: 1 }, /unknown key "other"/],
    [{ name: "_serf_remove-key", payload: "x" }, /_serf_ prefix/],
    [{ name: "_serf_ping", payload: "x" }, /_serf_ prefix/],
  ])("a malformed query body %p is 400 naming the problem", async (body, message) => {
    const { app, state } = makeApp();
    const res = await app.request("/query", post(body), LOOPBACK);
    expect(res.status).toBe(400);
    expect(String(((await res.json()) as { error: string }).error)).toMatch(message);
    expect(state.queried).toEqual([]);
  });

  test("GET /keys lists keys only for callers who may mutate: loopback without a token, the token when one is set", async () => {
    const open = makeApp();
    expect((await open.app.request("/keys", {}, LOOPBACK)).status).toBe(200);
    const remote = await open.app.request("/keys", {}, { remoteAddress: "10.0.0.9" });
    expect(remote.status).toBe(403);
    expect(await remote.text()).not.toContain(FIXTURE_KEY);
    const guarded = makeApp({ apiToken: "t0ken-t0ken-t0ken" });
    expect((await guarded.app.request("/keys", {}, LOOPBACK)).status).toBe(403);
    const allowed = await guarded.app.request("/keys", { headers: { authorization: "Bearer t0ken-t0ken-t0ken" } }, { remoteAddress: "10.0.0.9" });
    expect(((await allowed.json()) as { keys: Record<string, number> }).keys).toEqual({ [FIXTURE_KEY]: 1 });
    expect(guarded.state.queried).toEqual(["keys list"]);
  });

  test("install, use and remove never echo the key", async () => {
    const { app, state } = makeApp();
    for (const op of ["install", "use", "remove"]) {
      const res = await app.request(`/keys/${op}`, post({ key: FIXTURE_KEY }), LOOPBACK);
      expect(res.status).toBe(200);
      expect(await res.text()).not.toContain(FIXTURE_KEY);
    }
    expect(state.queried).toEqual(["keys install", "keys use", "keys remove"]);
  });

  test("without gossip the routes answer 503", async () => {
    const { app } = makeApp({ serfQueries: undefined });
    expect((await app.request("/query", post({ name: "q" }), LOOPBACK)).status).toBe(503);
    expect((await app.request("/keys", {}, LOOPBACK)).status).toBe(503);
  });
});
