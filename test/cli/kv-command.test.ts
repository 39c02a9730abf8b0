import { describe, expect, test } from "bun:test";
import { KV_LIMITS, type KvBackend } from "../../src/kv/kv-backend.ts";
import { SatelliteError } from "../../src/platform/errors.ts";
import { makeApp } from "../api/app-fixture.ts";
import { cliFixture } from "./cli-fixture.ts";

const text = (bytes: Uint8Array[]) => new TextDecoder().decode(Buffer.concat(bytes));

describe("satellite kv", () => {
  test("put, get prints the raw value, list, delete; get of a deleted key exits 1", async () => {
    const { app } = makeApp();
    const c = cliFixture({ app });
    expect(await c.run("kv", "put", "app/config", "port=80")).toBe(0);
    expect(c.out.at(-1)).toMatch(/^app\/config \d+\.0\.n1 \(stored by 1 of 1 replicas\)$/);
    expect(await c.run("kv", "get", "app/config")).toBe(0);
    expect(text(c.rawOut)).toBe("port=80");
    expect(await c.run("kv", "put", "app/index", "i")).toBe(0);
    expect(await c.run("kv", "put", "app/my key", "line one\nline two")).toBe(0);
    expect(await c.run("kv", "list", "app/")).toBe(0);
    const lines = (c.out.at(-1) ?? "").split("\n");
    expect(lines[0]).toMatch(/^KEY\s+VERSION\s+VALUE$/);
    expect(lines.slice(1).map((l) => l.split(/\s{2,}/)[0])).toEqual(["app/config", "app/index", "app/my key"]);
    expect(lines[3]).toMatch(/line one \.\.\.$/);
    expect(await c.run("kv", "delete", "app/config")).toBe(0);
    expect(await c.run("kv", "get", "app/config")).toBe(1);
    expect(c.err.at(-1)).toMatch(/kv get: no key "app\/config"/);
  });

  test("put KEY - reads the value from stdin, bytes as they are; over the limit it refuses", async () => {
    const { app } = makeApp();
    const binary = Uint8Array.from([0, 1, 2, 255]);
    const c = cliFixture({ app, stdin: binary });
    expect(await c.run("kv", "put", "bin", "-")).toBe(0);
    expect(await c.run("kv", "get", "bin")).toBe(0);
    expect(Buffer.concat(c.rawOut)).toEqual(Buffer.from(binary));
    expect(await c.run("kv", "list", "bin", "-o", "json")).toBe(0);
    expect(JSON.parse(c.out.at(-1) ?? "{}").entries[0]).toMatchObject({ key: "bin", value: "AAEC/w==", encoding: "base64" });
    const big = cliFixture({ app, stdin: new Uint8Array(KV_LIMITS.valueBytesMax + 10) });
    expect(await big.run("kv", "put", "big", "-")).toBe(1);
    expect(big.err.at(-1)).toMatch(/more than 65536 bytes/);
  });

  test("extra words are a usage error naming them, before anything is sent", async () => {
    const c = cliFixture({ app: makeApp().app });
    expect(await c.run("kv", "list", "a", "b")).toBe(2);
    expect(c.err.at(-1)).toContain('too many arguments ("b"): satellite kv list [PREFIX]');
    expect(await c.run("kv", "put", "k", "two", "words")).toBe(2);
    expect(c.err.at(-1)).toContain("quote a value with spaces");
    expect(await c.run("kv", "get", "k", "x")).toBe(2);
    expect(await c.run("kv", "get", "k")).toBe(1);
  });

  test("refusals exit 1 with the agent's reason; an unreachable agent exits 2", async () => {
    const c = cliFixture({ app: makeApp().app });
    expect(await c.run("kv", "put", "a\u0001b", "x")).toBe(1);
    expect(c.err.at(-1)).toMatch(/control characters/);
    expect(await cliFixture().run("kv", "get", "k")).toBe(2);
  });

  test("a store that cannot answer (etcd answered something unusable: 502) exits 1 for writes and 3 for get, with the agent's words", async () => {
    const unusable = new SatelliteError("kv_etcd_bad_answer", "etcd at http://10.0.0.5:2379 sent an answer Satellite cannot use: no header", { hint: "check that the endpoint is etcd v3" });
    const fail = async () => {
      throw unusable;
    };
    const kv: KvBackend = { kind: "etcd", get: fail, put: fail, delete: fail, list: fail, onChange: () => () => {}, health: () => ({ kind: "etcd", problems: [] }), close: async () => {} };
    const c = cliFixture({ app: makeApp({ kv }).app });
    expect(await c.run("kv", "get", "k")).toBe(3);
    expect(c.err.at(-1)).toContain("sent an answer Satellite cannot use: no header (check that the endpoint is etcd v3)");
    expect(await c.run("kv", "put", "k", "v")).toBe(1);
  });
});
