import { describe, expect, test } from "bun:test";
import { prefersHtml } from "../../src/api/browser-redirect.ts";
import { makeApp } from "./app-fixture.ts";

const CHROME = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8";
const FIREFOX = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

describe("GET / for browsers and for scripts", () => {
  test.each([
    [CHROME, true],
    [FIREFOX, true],
    ["text/html", true],
    [undefined, false],
    ["*/*", false],
    ["application/json", false],
    ["application/json, text/html;q=0.5", false],
    ["text/html;q=0", false],
    ["text/*", false],
  ] as const)("Accept %p prefers HTML: %p", (accept, expected) => {
    expect(prefersHtml(accept)).toBe(expected);
  });

  test("a browser is sent to the dashboard; curl and JSON clients get the status JSON", async () => {
    const { app } = makeApp({ dashboardPath: "/ui/" });
    const browser = await app.request("/", { headers: { accept: CHROME } });
    expect(browser.status).toBe(302);
    expect(browser.headers.get("location")).toBe("/ui/");
    expect(browser.headers.get("vary")).toContain("Accept");
    for (const headers of [{}, { accept: "*/*" }, { accept: "application/json" }] as Record<string, string>[]) {
      const res = await app.request("/", { headers });
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toBe("application/json");
      expect(res.headers.get("vary")).toContain("Accept");
      expect(((await res.json()) as { status: string }).status).toBe("running");
    }
    // Only the root: /status stays JSON for everyone.
    expect((await app.request("/status", { headers: { accept: CHROME } })).status).toBe(200);
  });

  test("without a dashboard, a browser gets the status JSON too", async () => {
    const { app } = makeApp();
    expect((await app.request("/", { headers: { accept: CHROME } })).status).toBe(200);
  });

  test("always200: a degraded cluster's status with 200, for browsers that log every 503", async () => {
    const { app, state } = makeApp();
    state.cluster = { ...state.cluster, status: "degraded", summary: "degraded nodes: n2" };
    expect((await app.request("/status")).status).toBe(503);
    const res = await app.request("/status?always200");
    expect(res.status).toBe(200);
    expect(((await res.json()) as { status: string }).status).toBe("degraded");
  });
});
