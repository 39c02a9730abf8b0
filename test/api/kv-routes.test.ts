import { describe, expect, test } from "bun:test";
import { KV_LIMITS } from "../../src/kv/kv-backend.ts";
import { makeApp } from "./app-fixture.ts";

const local = { remoteAddress: "127.0.0.1" };

describe("/kv routes", () => {
  test("PUT stores the raw body; GET answers the raw bytes with version headers; DELETE removes it", async () => {
    const { app } = makeApp();
    const put = await app.request("/kv/app/config", { method: "PUT", body: "port=80" }, local);
    expect(put.status).toBe(200);
    const written = (await put.json()) as { key: string; version: string; acked: number; replicas: number };
    expect(written).toMatchObject({ key: "app/config", acked: 1, replicas: 1 });
    const got = await app.request("/kv/app/config", {}, local);
    expect(got.status).toBe(200);
    expect(got.headers.get("content-type")).toBe("application/octet-stream");
    expect(got.headers.get("x-satellite-kv-version")).toBe(written.version);
    expect(Number(got.headers.get("x-satellite-kv-written-at"))).toBeGreaterThan(0);
    expect(await got.text()).toBe("port=80");
    expect((await app.request("/kv/app/config", { method: "DELETE" }, local)).status).toBe(200);
    const gone = await app.request("/kv/app/config", {}, local);
    expect(gone.status).toBe(404);
    expect(((await gone.json()) as { code: string }).code).toBe("kv_not_found");
  });

  test("a percent-encoded key is decoded: /kv/a%20b/c is the key `a b/c`", async () => {
    const { app } = makeApp();
    await app.request("/kv/a%20b/c", { method: "PUT", body: "x" }, local);
    const list = (await (await app.request("/kv/?prefix=a", {}, local)).json()) as { entries: { key: string }[] };
    expect(list.entries.map((e) => e.key)).toEqual(["a b/c"]);
    expect((await app.request("/kv/%E0%A4%A", {}, local)).status).toBe(400);
  });

  test("list: UTF-8 values as text, other bytes as base64, the prefix and the limit", async () => {
    const { app } = makeApp();
    await app.request("/kv/p/text", { method: "PUT", body: "héllo" }, local);
    await app.request("/kv/p/bin", { method: "PUT", body: new Uint8Array([0xff, 0x00, 0xfe]) }, local);
    await app.request("/kv/q/other", { method: "PUT", body: "no" }, local);
    const answer = await app.request("/kv/?prefix=p/", {}, local);
    const body = (await answer.json()) as { entries: { key: string; value: string; encoding: string; version: string }[]; truncated: boolean };
    expect(body.entries.map((e) => [e.key, e.value, e.encoding])).toEqual([
      ["p/bin", "/wD+", "base64"],
      ["p/text", "héllo", "utf8"],
    ]);
    expect(body.truncated).toBe(false);
    const limited = (await (await app.request("/kv?limit=1", {}, local)).json()) as { entries: unknown[]; truncated: boolean };
    expect([limited.entries.length, limited.truncated]).toEqual([1, true]);
    expect((await app.request("/kv/?limit=0", {}, local)).status).toBe(400);
    expect((await app.request("/kv/?limit=abc", {}, local)).status).toBe(400);
  });

  test("bad keys are 400 and a value over the limit 413, each saying why", async () => {
    const { app } = makeApp();
    const long = await app.request(`/kv/${"k".repeat(KV_LIMITS.keyBytesMax + 1)}`, { method: "PUT", body: "x" }, local);
    expect(long.status).toBe(400);
    expect(((await long.json()) as { code: string }).code).toBe("kv_key_too_long");
    const control = await app.request("/kv/a%01b", { method: "PUT", body: "x" }, local);
    expect(((await control.json()) as { code: string }).code).toBe("kv_key_invalid");
    const big = await app.request("/kv/big", { method: "PUT", body: new Uint8Array(KV_LIMITS.valueBytesMax + 1) }, local);
    expect(big.status).toBe(413);
    const empty = await app.request("/kv/", { method: "PUT", body: "x" }, local);
    expect(empty.status).toBe(400);
  });

  test("the largest value is taken", async () => {
    const { app } = makeApp();
    expect((await app.request("/kv/largest", { method: "PUT", body: new Uint8Array(KV_LIMITS.valueBytesMax) }, local)).status).toBe(200);
    expect((await (await app.request("/kv/largest", {}, local)).arrayBuffer()).byteLength).toBe(KV_LIMITS.valueBytesMax);
  });

  test("with the store off every route answers 503 kv_disabled", async () => {
    const { app } = makeApp({ kv: undefined });
    for (const [path, method] of [["/kv/k", "GET"], ["/kv/k", "PUT"], ["/kv/k", "DELETE"], ["/kv/", "GET"]] as const) {
      const answer = await app.request(path, { method, body: method === "PUT" ? "x" : undefined }, local);
      expect([path, method, answer.status, ((await answer.json()) as { code: string }).code]).toEqual([path, method, 503, "kv_disabled"]);
    }
  });
});
