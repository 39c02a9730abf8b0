import { describe, expect, test } from "bun:test";
import { MAINTENANCE_WINDOW, makeApp } from "./app-fixture.ts";

const post = (body: unknown) => ({ method: "POST", body: JSON.stringify(body), headers: { "content-type": "application/json" } });
const del = (body: unknown) => ({ method: "DELETE", body: JSON.stringify(body), headers: { "content-type": "application/json" } });
const LOOPBACK = { remoteAddress: "127.0.0.1" };

describe("/maintenance", () => {
  test("GET lists the active windows, to anyone", async () => {
    const { app } = makeApp();
    const response = await app.request("/maintenance", {}, { remoteAddress: "10.0.0.9" });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ windows: [MAINTENANCE_WINDOW] });
  });

  test("POST starts a window for a node or a check, the duration parsed", async () => {
    const { app, state } = makeApp();
    const response = await app.request("/maintenance", post({ node: "n3", for: "1h30m", reason: "kernel upgrade" }), LOOPBACK);
    expect(response.status).toBe(200);
    expect(((await response.json()) as { window: { reason: string } }).window.reason).toBe("kernel upgrade");
    expect((await app.request("/maintenance", post({ check: "docker", for: "10m" }), LOOPBACK)).status).toBe(200);
    expect(state.maintenance).toEqual(["start n3  5400000", "start  docker 600000"]);
  });

  const refused: [string, unknown, RegExp][] = [
    ["no target", { for: "1h" }, /name a node or a check/],
    ["no duration", { node: "n3" }, /for must be a duration/],
    ["a number instead of a duration", { node: "n3", for: 3600 }, /for must be a duration/],
    ["longer than 7 days", { node: "n3", for: "8d" }, /^for "8d" is too long: a window lasts from 1s to 7d/],
    ["a duration without a unit", { node: "n3", for: "3600" }, /^for "3600" has no unit/],
    ["text that is no duration", { node: "n3", for: "tomorrow" }, /^for "tomorrow" is not a duration/],
    ["an unknown key", { node: "n3", for: "1h", until: "tomorrow" }, /unknown key "until"/],
    ["a node name with a control character", { node: "n\u001b3", for: "1h" }, /node must be a member's name/],
    ["a reason too long", { node: "n3", for: "1h", reason: "x".repeat(161) }, /^reason has 161 characters: it must be text of at most 160 characters/],
    ["a reason with a new line", { node: "n3", for: "1h", reason: "a\nb" }, /^reason has a control character/],
    ["not an object", ["n3"], /must be a JSON object/],
  ];
  for (const [name, body, error] of refused) {
    test(`POST refuses ${name} with 400 and says why`, async () => {
      const { app, state } = makeApp();
      const response = await app.request("/maintenance", post(body), LOOPBACK);
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: string }).error).toMatch(error);
      expect(state.maintenance).toEqual([]);
    });
  }

  test("POST passes on the agent's refusal (an unknown node)", async () => {
    const { app } = makeApp();
    const response = await app.request("/maintenance", post({ node: "n9", for: "1h" }), LOOPBACK);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: 'no member named "n9"' });
  });

  test("DELETE ends by id or by node; nothing matching is 404; a bad id is 400", async () => {
    const { app, state } = makeApp();
    expect(await (await app.request("/maintenance", del({ id: MAINTENANCE_WINDOW.id }), LOOPBACK)).json()).toEqual({ ended: [MAINTENANCE_WINDOW] });
    expect((await app.request("/maintenance", del({ node: "n3" }), LOOPBACK)).status).toBe(200);
    const none = await app.request("/maintenance", del({ check: "ntp" }), LOOPBACK);
    expect(none.status).toBe(404);
    expect(((await none.json()) as { hint: string }).hint).toContain("satellite maintenance list");
    expect((await app.request("/maintenance", del({ id: "../x" }), LOOPBACK)).status).toBe(400);
    expect((await app.request("/maintenance", del({ id: MAINTENANCE_WINDOW.id, node: "n3" }), LOOPBACK)).status).toBe(400);
    expect(state.maintenance).toEqual([`end ${MAINTENANCE_WINDOW.id}  `, "end  n3 ", "end   ntp"]);
  });

  test("POST and DELETE are mutating: refused from another address without a token", async () => {
    const { app, state } = makeApp();
    expect((await app.request("/maintenance", post({ node: "n3", for: "1h" }), { remoteAddress: "10.0.0.9" })).status).toBe(403);
    expect((await app.request("/maintenance", del({ node: "n3" }), { remoteAddress: "10.0.0.9" })).status).toBe(403);
    expect(state.maintenance).toEqual([]);
  });

  test("without maintenance windows (no gossip) every route answers 503", async () => {
    const { app } = makeApp({ maintenance: undefined });
    expect((await app.request("/maintenance")).status).toBe(503);
    expect((await app.request("/maintenance", post({ node: "n3", for: "1h" }), LOOPBACK)).status).toBe(503);
  });
});
