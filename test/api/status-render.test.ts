import { describe, expect, test } from "bun:test";
import { gunzipSync } from "node:zlib";
import { omitEmpty, type ClusterStatusJson } from "../../src/cluster/status-json.ts";
import { statusCacheLifetimeMs } from "../../src/api/status-cache-lifetime.ts";
import { eventLoopTurn } from "../../src/platform/event-loop-turn.ts";
import { ManualClock } from "../../src/platform/manual-clock.ts";
import { makeApp } from "./app-fixture.ts";

const running: ClusterStatusJson = { status: "running", nodes: [{ name: "n1", status: "running", probes: [{ checker: "disk-space", status: "running", detail: "" }] }], timestamp: "t1", summary: "" };

/** Lets the requests' middleware chains run up to the render (one turn of the loop: no wall time involved). */
const requestsReachedTheRender = eventLoopTurn;

/** A status source whose renders the test counts and finishes by hand. */
function controlledRenders() {
  const pending: { resolve: (s: ClusterStatusJson) => void; reject: (e: Error) => void }[] = [];
  const cluster = () => new Promise<ClusterStatusJson>((resolve, reject) => pending.push({ resolve, reject }));
  return { pending, status: { cluster, local: () => ({ name: "n1", status: "running" as const }) } };
}

/** An app whose first render (of `running`, at t1) is done and cached; renders after it are the test's. */
async function afterFirstRender() {
  const renders = controlledRenders();
  const { app, clock } = makeApp({ statusCacheMs: 100, status: renders.status });
  const first = app.request("/status");
  await requestsReachedTheRender();
  renders.pending[0]!.resolve(running);
  expect((await first).status).toBe(200);
  return { app, clock, renders };
}

describe("/status renders", () => {
  test("16 concurrent requests after the cache expired cause one render: the first waits for it, the others get the last render at once", async () => {
    const { app, clock, renders } = await afterFirstRender();
    await clock.advance(100);
    const burst = Array.from({ length: 16 }, () => app.request("/status"));
    await requestsReachedTheRender();
    expect(renders.pending).toHaveLength(2);
    // Answered before the render ends: the last render, expired a moment ago.
    const during = await Promise.all(burst.slice(1));
    expect(during.map((r) => r.status)).toEqual(Array(15).fill(200));
    expect(((await during[14]!.json()) as ClusterStatusJson).timestamp).toBe("t1");
    renders.pending[1]!.resolve({ status: "degraded", nodes: [], timestamp: "t2", summary: "master node unavailable" });
    const triggering = await burst[0]!;
    expect(triggering.status).toBe(503);
    expect(await triggering.json()).toEqual({ status: "degraded", timestamp: "t2", summary: "master node unavailable" });
    expect(renders.pending).toHaveLength(2);
  });

  test("a request while a render is under way waits for it when the last render expired more than a second ago", async () => {
    const { app, clock, renders } = await afterFirstRender();
    await clock.advance(1100);
    const two = [app.request("/status"), app.request("/status")];
    await requestsReachedTheRender();
    expect(renders.pending).toHaveLength(2);
    renders.pending[1]!.resolve({ ...running, timestamp: "t2" });
    for (const answer of await Promise.all(two)) expect(((await answer.json()) as ClusterStatusJson).timestamp).toBe("t2");
  });

  test("a render that failed is not reused: the next request renders again", async () => {
    const renders = controlledRenders();
    const { app } = makeApp({ statusCacheMs: 100, status: renders.status });
    const failing = [app.request("/status"), app.request("/status")];
    await requestsReachedTheRender();
    expect(renders.pending).toHaveLength(1);
    renders.pending[0]!.reject(new Error("view unavailable"));
    expect((await Promise.all(failing)).map((r) => r.status)).toEqual([500, 500]);
    const next = app.request("/status");
    await requestsReachedTheRender();
    expect(renders.pending).toHaveLength(2);
    renders.pending[1]!.resolve(running);
    expect((await next).status).toBe(200);
  });

  test("with and without details are rendered and kept apart; the body drops empty fields", async () => {
    const renders = controlledRenders();
    const { app } = makeApp({ statusCacheMs: 100, status: renders.status });
    const plain = app.request("/status");
    const details = app.request("/status?details");
    await requestsReachedTheRender();
    expect(renders.pending).toHaveLength(2);
    renders.pending[0]!.resolve(running);
    renders.pending[1]!.resolve({ ...running, timestamp: "t-details" });
    expect(await (await plain).text()).toBe('{"status":"running","nodes":[{"name":"n1","status":"running","probes":[{"checker":"disk-space","status":"running"}]}],"timestamp":"t1"}');
    expect(((await (await details).json()) as ClusterStatusJson).timestamp).toBe("t-details");
  });

  test("without a cache every request renders", async () => {
    const renders = controlledRenders();
    const { app } = makeApp({ statusCacheMs: 0, status: renders.status });
    const two = [app.request("/status"), app.request("/status")];
    await requestsReachedTheRender();
    expect(renders.pending).toHaveLength(2);
    for (const p of renders.pending) p.resolve(running);
    expect((await Promise.all(two)).map((r) => r.status)).toEqual([200, 200]);
  });

  test("a large status goes gzipped to a client that accepts it, the same JSON; others get it as it is", async () => {
    const large: ClusterStatusJson = { ...running, nodes: Array.from({ length: 50 }, (_, i) => ({ name: `node-${i}`, status: "running", probes: [{ checker: "disk-space", status: "running", detail: `12% of /var/lib on node-${i} used` }] })) };
    const { app } = makeApp({ statusCacheMs: 100, status: { cluster: async () => large, local: () => ({ name: "n1" }) } });
    const plain = await app.request("/status");
    const text = await plain.text();
    expect(text).toBe(JSON.stringify(omitEmpty(large)));
    expect(plain.headers.get("content-encoding")).toBeNull();
    expect(plain.headers.get("vary")).toBe("Accept-Encoding");
    const gzipped = await app.request("/status", { headers: { "accept-encoding": "gzip, deflate, br" } });
    expect(gzipped.headers.get("content-encoding")).toBe("gzip");
    expect(gzipped.headers.get("content-type")).toBe("application/json");
    const bytes = new Uint8Array(await gzipped.arrayBuffer());
    expect(bytes.byteLength).toBeLessThan(text.length / 4);
    expect(new TextDecoder().decode(gunzipSync(bytes))).toBe(text);
    const refused = await app.request("/status", { headers: { "accept-encoding": "gzip;q=0, identity" } });
    expect(refused.headers.get("content-encoding")).toBeNull();
    expect(await refused.text()).toBe(text);
  });

  test("a small status is sent as it is, also to a client that accepts gzip", async () => {
    const { app } = makeApp({ statusCacheMs: 100, status: { cluster: async () => running, local: () => ({ name: "n1" }) } });
    const response = await app.request("/status", { headers: { "accept-encoding": "gzip" } });
    expect(response.headers.get("content-encoding")).toBeNull();
    expect(((await response.json()) as ClusterStatusJson).status).toBe("running");
  });

  test("a status slow to encode is served longer, so clients do not queue behind renders; a quick one for the minimum", async () => {
    // Every reading of this clock moves it 5 ms on: encoding any status "takes" 5 ms.
    const manual = new ManualClock();
    let drift = 0;
    const slowClock = Object.assign(Object.create(manual) as ManualClock, { monotonicMs: () => manual.monotonicMs() + (drift += 5) });
    let renders = 0;
    const { app } = makeApp({ clock: slowClock, statusCacheMs: 100, status: { cluster: async () => (renders++, running), local: () => ({ name: "n1" }) } });
    await app.request("/status");
    await manual.advance(500);
    await app.request("/status");
    expect(renders).toBe(1);
    await manual.advance(600);
    await app.request("/status");
    expect(renders).toBe(2);
  });
});

describe("how long a rendered status is served", () => {
  test("at least the minimum, 200 times the encoding time, at most a second", () => {
    expect(statusCacheLifetimeMs(100, 0.1)).toBe(100);
    expect(statusCacheLifetimeMs(100, 2)).toBe(400);
    expect(statusCacheLifetimeMs(100, 14)).toBe(1000);
    expect(statusCacheLifetimeMs(2000, 14)).toBe(2000);
  });
});
