import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { EtcdKvBackend, type EtcdKvBackendOptions } from "../../src/kv/etcd-kv-backend.ts";
import type { KvChange } from "../../src/kv/kv-backend.ts";
import { systemClock } from "../../src/platform/clock.ts";
import { SatelliteError } from "../../src/platform/errors.ts";
import { bunHttpFetch } from "../../src/platform/http-fetch.ts";
import { freePort, waitFor } from "../checkers/_processes.ts";
import { type EtcdCluster, hasEtcd, startEtcdCluster } from "./etcd-cluster.ts";

const text = (s: string) => new TextEncoder().encode(s);
const backendOn = (endpoints: string[], extra: Partial<EtcdKvBackendOptions> = {}) =>
  new EtcdKvBackend({ endpoints, http: bunHttpFetch, clock: systemClock, requestTimeoutMs: 2_000, ...extra });

async function failure(promise: Promise<unknown>): Promise<SatelliteError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof SatelliteError) return error;
    throw error;
  }
  throw new Error("expected a SatelliteError, the call succeeded");
}

describe.skipIf(!hasEtcd)("etcd key-value backend against one real etcd", () => {
  let etcd: EtcdCluster;
  let backend: EtcdKvBackend;

  beforeAll(async () => {
    etcd = await startEtcdCluster(1);
    backend = backendOn(etcd.endpoints, { prefix: "/t/" });
  });
  afterAll(async () => {
    await backend?.close();
    await etcd?.stop();
  });

  test("a value is stored as given under the prefix, its version is the mod revision, acked by 1 of 1", async () => {
    const written = await backend.put("app/config", text("port=80"));
    expect(written.acked).toBe(1);
    expect(written.replicas).toBe(1);
    const raw = await fetch(`${etcd.endpoints[0]}/v3/kv/range`, { method: "POST", body: JSON.stringify({ key: Buffer.from("/t/app/config").toString("base64") }) });
    const kv = ((await raw.json()) as { kvs: { value: string; mod_revision: string }[] }).kvs[0];
    expect(Buffer.from(kv?.value ?? "", "base64").toString()).toBe("port=80");
    expect(kv?.mod_revision).toBe(written.version);
    expect((await backend.get("app/config"))?.version).toBe(written.version);
  });

  test("keys outside the prefix are not listed; a list reads pages at one revision", async () => {
    await fetch(`${etcd.endpoints[0]}/v3/kv/put`, { method: "POST", body: JSON.stringify({ key: Buffer.from("/other/x").toString("base64"), value: "eA==" }) });
    for (let i = 0; i < 230; i++) await backend.put(`page/${String(i).padStart(3, "0")}`, text(String(i)));
    const all = await backend.list("");
    expect(all.entries.some((e) => e.key.includes("other"))).toBe(false);
    // Ranges of at most 100 entries, each answer bounded; the pages after the first read at its revision.
    const ranges: { limit?: string; revision?: string }[] = [];
    const recording = backendOn(etcd.endpoints, {
      prefix: "/t/",
      http: (request) => {
        if (request.url.endsWith("/v3/kv/range")) ranges.push(JSON.parse(request.body ?? "{}") as { limit?: string; revision?: string });
        return bunHttpFetch(request);
      },
    });
    const pages = await recording.list("page/");
    await recording.close();
    expect(pages.entries.map((e) => e.key)).toEqual(Array.from({ length: 230 }, (_, i) => `page/${String(i).padStart(3, "0")}`));
    expect(pages.truncated).toBe(false);
    expect(ranges.map((r) => r.limit)).toEqual(["100", "100", "100"]);
    expect(ranges[0]?.revision).toBeUndefined();
    expect(new Set(ranges.slice(1).map((r) => r.revision)).size).toBe(1);
    expect(ranges[1]?.revision).toMatch(/^\d+$/);
    const limited = await backend.list("page/", 150);
    expect(limited.entries).toHaveLength(150);
    expect(limited.truncated).toBe(true);
  });

  test("invalid keys, values over the limit and list limits are refused before anything is sent", async () => {
    expect((await failure(backend.put("", text("x")))).code).toBe("kv_key_empty");
    expect((await failure(backend.put("a\nb", text("x")))).code).toBe("kv_key_invalid");
    expect((await failure(backend.get("k".repeat(513)))).code).toBe("kv_key_too_long");
    const tooLarge = await failure(backend.put("big", new Uint8Array(64 * 1024 + 1)));
    expect(tooLarge.code).toBe("kv_value_too_large");
    expect(await backend.get("big")).toBeUndefined();
    expect((await failure(backend.list("", 0))).code).toBe("kv_list_limit_invalid");
  });

  test("a change is heard from the watch, deletes included", async () => {
    const changes: KvChange[] = [];
    const stop = backend.onChange((c) => changes.push(c));
    // The watch starts at the revision it was created at: write until one is seen, then the rest.
    await waitFor("a first change", async () => {
      await backend.put("watched/ping", text("1"));
      return changes.length > 0;
    }, 10_000);
    const put = await backend.put("watched/a", text("1"));
    const deleted = await backend.delete("watched/a");
    await waitFor("put and delete of watched/a", () => changes.filter((c) => c.key === "watched/a").length === 2, 5_000);
    expect(changes.filter((c) => c.key === "watched/a")).toEqual([
      { key: "watched/a", op: "put", version: put.version },
      { key: "watched/a", op: "delete", version: deleted.version },
    ]);
    stop();
  });
});

describe.skipIf(!hasEtcd)("etcd key-value backend: errors, limits and failover", () => {
  let etcd: EtcdCluster;
  beforeAll(async () => {
    // A small request limit, to see etcd's own refusal.
    etcd = await startEtcdCluster(1, ["--max-request-bytes", "4096"]);
  });
  afterAll(async () => {
    await etcd?.stop();
  });

  test("etcd down: the error names the endpoint and asks whether etcd runs; health shows it", async () => {
    const dead = `http://127.0.0.1:${freePort()}`;
    const backend = backendOn([dead]);
    const error = await failure(backend.get("k"));
    expect(error.code).toBe("kv_etcd_unreachable");
    expect(error.message).toBe(`etcd at ${dead} refused the connection: is etcd running?`);
    expect(error.hint).toContain("--kv-etcd-endpoints");
    expect(backend.health()).toEqual({ kind: "etcd", problems: [error.message] });
    await backend.close();
  });

  test("etcd's refusal of a request too large for it is an error with etcd's words and a hint", async () => {
    const backend = backendOn(etcd.endpoints);
    const error = await failure(backend.put("big", new Uint8Array(8000)));
    expect(error.code).toBe("kv_etcd_request_too_large");
    expect(error.message).toContain(`etcd at ${etcd.endpoints[0]} refused the request: etcdserver: request is too large`);
    expect(error.hint).toContain("--max-request-bytes");
    await backend.close();
  });

  test("a dead first endpoint fails over to the next; calls then stay on the one that answered", async () => {
    const dead = `http://127.0.0.1:${freePort()}`;
    let deadCalls = 0;
    const counting: EtcdKvBackendOptions["http"] = (request) => {
      if (request.url.startsWith(dead)) deadCalls++;
      return bunHttpFetch(request);
    };
    const backend = backendOn([dead, ...etcd.endpoints], { http: counting });
    await backend.put("failover", text("1"));
    expect((await backend.get("failover"))?.value).toEqual(text("1"));
    expect(deadCalls).toBe(1);
    expect(backend.health().problems).toEqual([]);
    await backend.close();
  });

  test("an endpoint that accepts but never answers times out naming it, then the next one serves", async () => {
    const silent = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
    try {
      const hanging = `http://127.0.0.1:${silent.port}`;
      const backend = backendOn([hanging], { requestTimeoutMs: 200 });
      const error = await failure(backend.get("k"));
      expect(error.message).toBe(`etcd at ${hanging} did not answer within 200 ms`);
      await backend.close();
      const withNext = backendOn([hanging, ...etcd.endpoints], { requestTimeoutMs: 200 });
      expect(await withNext.get("nothing-here")).toBeUndefined();
      await withNext.close();
    } finally {
      silent.stop(true);
    }
  });

  test("an answer over the bound is refused, not buffered", async () => {
    const server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response(new Uint8Array(2 * 1024 * 1024).fill(0x20)) });
    try {
      const backend = backendOn([`http://127.0.0.1:${server.port}`]);
      const error = await failure(backend.get("k"));
      expect(error.code).toBe("kv_answer_too_large");
      expect(error.message).toContain(`etcd at http://127.0.0.1:${server.port} answered with more than`);
      await backend.close();
    } finally {
      await server.stop(true);
    }
  });

  test("a list page that does not move forward is refused instead of looping", async () => {
    const same = JSON.stringify({ header: { revision: "3" }, kvs: [{ key: Buffer.from("/satellite/kv/a").toString("base64"), value: "eA==", mod_revision: "2" }], more: true });
    let pages = 0;
    const server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => (pages++, new Response(same)) });
    try {
      const backend = backendOn([`http://127.0.0.1:${server.port}`]);
      const error = await failure(backend.list(""));
      expect(error.code).toBe("kv_etcd_bad_answer");
      expect(error.message).toContain("does not move past the previous one");
      expect(pages).toBe(2);
      await backend.close();
    } finally {
      await server.stop(true);
    }
  });

  test("something that is not etcd is named as such", async () => {
    const server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response("<html>not etcd</html>") });
    try {
      const backend = backendOn([`http://127.0.0.1:${server.port}`]);
      const error = await failure(backend.get("k"));
      expect(error.code).toBe("kv_etcd_bad_answer");
      expect(error.message).toBe(`etcd at http://127.0.0.1:${server.port} sent an answer Satellite cannot use: not JSON`);
      await backend.close();
    } finally {
      await server.stop(true);
    }
  });
});
