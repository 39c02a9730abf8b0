import { describe, expect, test } from "bun:test";
import { gunzipSync } from "node:zlib";
import { CONTENT_SECURITY_POLICY } from "../../src/ui/security-headers.ts";
import { prepareUiAssets } from "../../src/ui/ui-assets.ts";
import { acceptsGzip } from "../../src/platform/accept-encoding.ts";
import { matchesEtag, uiRoutes } from "../../src/ui/ui-routes.ts";

const encoder = new TextEncoder();
const script = "console.log('satellite');\n".repeat(50);
const files = [
  { name: "index.html", bytes: encoder.encode("<!doctype html><title>Satellite</title><script src=./index-abcd1234.js></script>") },
  { name: "index-abcd1234.js", bytes: encoder.encode(script) },
  { name: "icon-0a1b2c3d.svg", bytes: encoder.encode("<svg/>") },
];

function app(load = async () => prepareUiAssets(files)) {
  return uiRoutes(load);
}

describe("dashboard routes", () => {
  test("the page: HTML, strict CSP, revalidated on every load", async () => {
    const res = await app().request("/ui/");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(res.headers.get("content-security-policy")).toBe(CONTENT_SECURITY_POLICY);
    expect(CONTENT_SECURITY_POLICY).toContain("default-src 'none'");
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
    expect(CONTENT_SECURITY_POLICY).not.toContain("unsafe");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("cache-control")).toBe("no-cache");
    expect(await res.text()).toContain("<title>Satellite</title>");
  });

  test("hashed assets: their content type, cached for a year, gzip to clients that take it", async () => {
    const plain = await app().request("/ui/index-abcd1234.js");
    expect(plain.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(plain.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(plain.headers.get("content-encoding")).toBeNull();
    expect(await plain.text()).toBe(script);
    const gzipped = await app().request("/ui/index-abcd1234.js", { headers: { "accept-encoding": "gzip, deflate, br" } });
    expect(gzipped.headers.get("content-encoding")).toBe("gzip");
    expect(gzipped.headers.get("vary")).toBe("Accept-Encoding");
    expect(gzipped.headers.get("etag")).not.toBe(plain.headers.get("etag"));
    expect(gunzipSync(new Uint8Array(await gzipped.arrayBuffer())).toString()).toBe(script);
    expect((await app().request("/ui/icon-0a1b2c3d.svg")).headers.get("content-type")).toBe("image/svg+xml");
  });

  test("If-None-Match with the current ETag: 304 without a body", async () => {
    const routes = app();
    const first = await routes.request("/ui/");
    const etag = first.headers.get("etag") as string;
    expect(etag).toMatch(/^"[\w-]+"$/);
    const again = await routes.request("/ui/", { headers: { "if-none-match": etag } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe("");
    expect(again.headers.get("content-security-policy")).toBe(CONTENT_SECURITY_POLICY);
    expect((await routes.request("/ui/", { headers: { "if-none-match": '"other"' } })).status).toBe(200);
  });

  test("/ui redirects to /ui/; an unknown file is 404 JSON naming it", async () => {
    const redirect = await app().request("/ui");
    expect(redirect.status).toBe(301);
    expect(redirect.headers.get("location")).toBe("/ui/");
    const missing = await app().request("/ui/nope.js");
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: string }).error).toContain('"nope.js"');
  });

  test("a build without the dashboard answers 503 saying how to build one; assets load once", async () => {
    expect((await uiRoutes(async () => undefined).request("/ui/")).status).toBe(503);
    let loads = 0;
    const routes = app(async () => {
      loads++;
      return prepareUiAssets(files);
    });
    await Promise.all([routes.request("/ui/"), routes.request("/ui/index-abcd1234.js"), routes.request("/ui/")]);
    expect(loads).toBe(1);
  });

  test.each([
    ['"abc"', '"abc"', true],
    ['W/"abc"', '"abc"', true],
    ['"x", "abc"', '"abc"', true],
    ["*", '"abc"', true],
    ['"abcd"', '"abc"', false],
    [undefined, '"abc"', false],
  ] as const)("If-None-Match %p against %p: %p", (header, etag, expected) => {
    expect(matchesEtag(header, etag)).toBe(expected);
  });

  test.each([
    ["gzip", true],
    ["gzip, deflate, br, zstd", true],
    ["br;q=1.0, gzip;q=0.8", true],
    ["gzip;q=0", false],
    ["identity", false],
    ["*", true],
    [undefined, false],
  ] as const)("Accept-Encoding %p takes gzip: %p", (header, expected) => {
    expect(acceptsGzip(header)).toBe(expected);
  });
});
