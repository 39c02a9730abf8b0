import { describe, expect, test } from "bun:test";
import { makeApp } from "./app-fixture.ts";

const loopback = { remoteAddress: "127.0.0.1" };

describe("status endpoints", () => {
  test("/ and /status answer 200 when running, 503 when degraded, empty fields omitted", async () => {
    const { app, state } = makeApp();
    for (const path of ["/", "/status"]) {
      const res = await app.request(path);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ status: "running", timestamp: "2026-11-22T12:00:00.000000000Z" });
    }
    state.cluster = { status: "degraded", summary: "master node unavailable", timestamp: "t", nodes: [{ name: "n1", probes: [] }] };
    const res = await app.request("/status");
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ status: "degraded", summary: "master node unavailable", timestamp: "t", nodes: [{ name: "n1" }] });
  });

  test("/local is this node", async () => {
    const { app, state } = makeApp();
    expect((await app.request("/local")).status).toBe(200);
    state.local = { name: "n1", status: "degraded", probes: [{ checker: "x", status: "failed", error: "e" }] };
    const res = await app.request("/local");
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual(state.local);
  });

  test("unknown paths are 404 JSON", async () => {
    const res = await (await makeApp()).app.request("/nope");
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: "no such endpoint: GET /nope" });
  });
});

describe("health endpoints", () => {
  test("/livez is ok; /readyz reflects every part, verbosely on request", async () => {
    const { app, state } = makeApp();
    expect(await (await app.request("/livez")).text()).toBe("ok");
    expect((await app.request("/readyz")).status).toBe(200);
    state.readiness = [{ name: "history", ok: false, message: "read-only file system at /x/history.db" }, { name: "probes", ok: true }];
    const res = await app.request("/readyz?verbose");
    expect(res.status).toBe(503);
    expect(await res.text()).toBe("[-]history failed: read-only file system at /x/history.db\n[+]probes ok\nreadyz check failed\n");
  });
});

describe("/history", () => {
  test("returns events newest first with filters", async () => {
    const { app, history, clock } = makeApp();
    const now = clock.nowMs();
    await history.appendEvents([
      { timestamp: now - 7_200_000, type: "ProbeFailed", node: "n1", probe: "docker", oldState: "running", newState: "failed" },
      { timestamp: now - 60_000, type: "NodeDegraded", node: "n2", oldState: "running", newState: "degraded" },
    ]);
    const all = (await (await app.request("/history")).json()) as { events: { type: string; timestamp: string }[] };
    expect(all.events.map((e) => e.type)).toEqual(["NodeDegraded", "ProbeFailed"]);
    expect(all.events[0]?.timestamp).toBe("2026-11-22T11:59:00.000000000Z");
    const recent = (await (await app.request("/history?since=1h")).json()) as { events: unknown[] };
    expect(recent.events.length).toBe(1);
    const byNode = (await (await app.request("/history?node=n1&type=ProbeFailed&probe=docker")).json()) as { events: unknown[] };
    expect(byNode.events.length).toBe(1);
  });

  test("bad filters are 400 with what is allowed", async () => {
    const { app } = makeApp();
    const bad = await app.request("/history?type=Nope");
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toStartWith('type "Nope" is unknown; allowed: ClusterDegraded');
    expect((await app.request("/history?since=yesterday")).status).toBe(400);
    expect((await app.request("/history?limit=0")).status).toBe(400);
  });

  test("/history/series plots one checker", async () => {
    const { app, history, clock } = makeApp();
    const now = clock.nowMs();
    await history.appendSamples([
      { ts: now - 120_000, node: "n1", checker: "tcp", status: "running", durationMs: 2 },
      { ts: now - 119_000, node: "n1", checker: "tcp", status: "failed", durationMs: 4, error: "refused" },
    ]);
    const res = await app.request("/history/series?checker=tcp&since=1h&step=1m");
    expect(res.status).toBe(200);
    const body = (await res.json()) as { points: { count: number; failures: number }[] };
    expect(body.points).toEqual([expect.objectContaining({ count: 2, failures: 1 })]);
    expect((await app.request("/history/series")).status).toBe(400);
    expect((await app.request("/history/series?checker=tcp&step=0s")).status).toBe(400);
  });

  test("/history/series?metric= plots one measured number, per node and peer or over all of them", async () => {
    const { app, history, clock } = makeApp();
    const now = clock.nowMs();
    await history.appendMetrics([
      { ts: now - 120_000, node: "n1", metric: "host-metrics.cpu.usedPercent", value: 20 },
      { ts: now - 110_000, node: "n1", metric: "host-metrics.cpu.usedPercent", value: 40 },
      { ts: now - 110_000, node: "n2", metric: "host-metrics.cpu.usedPercent", value: 90 },
      { ts: now - 60_000, node: "n1", metric: "peer.rttP95Ms", peer: "n2", value: 1.5 },
      { ts: now - 60_000, node: "n1", metric: "peer.rttP95Ms", peer: "n3", value: 4.5 },
    ]);
    const get = async (path: string) => {
      const res = await app.request(path);
      expect(res.status).toBe(200);
      return (await res.json()) as { metric: string; node?: string; peer?: string; stepMs: number; points: { ts: number; count: number; min: number; avg: number; max: number }[] };
    };
    const cpu = await get("/history/series?metric=host-metrics.cpu.usedPercent&node=n1&since=1h&step=1m");
    expect(cpu).toEqual({ metric: "host-metrics.cpu.usedPercent", node: "n1", stepMs: 60_000, points: [{ ts: now - 120_000, count: 2, min: 20, avg: 30, max: 40 }] });
    expect((await get("/history/series?metric=host-metrics.cpu.usedPercent&since=1h&step=1h")).points).toEqual([{ ts: now - 3_600_000, count: 3, min: 20, avg: 50, max: 90 }]);
    expect((await get("/history/series?metric=peer.rttP95Ms&node=n1&peer=n3")).points).toEqual([{ ts: now - 60_000, count: 1, min: 4.5, avg: 4.5, max: 4.5 }]);
    expect((await get("/history/series?metric=peer.rttP95Ms&node=n1")).points).toEqual([{ ts: now - 60_000, count: 2, min: 1.5, avg: 3, max: 4.5 }]);
    // until is exclusive and compared with the start of each minute.
    expect((await get("/history/series?metric=host-metrics.cpu.usedPercent&since=1h&until=119s")).points.map((p) => p.count)).toEqual([3]);
    expect((await get("/history/series?metric=host-metrics.cpu.usedPercent&since=1h&until=2m")).points).toEqual([]);
  });
});

describe("checks and members", () => {
  test("/checks lists checks; POST /checks/:name/run runs one; unknown is 404", async () => {
    const { app } = makeApp();
    expect(((await (await app.request("/checks")).json()) as { checks: unknown[] }).checks.length).toBe(1);
    const run = await app.request("/checks/disk-space/run", { method: "POST" }, loopback);
    expect(await run.json()).toEqual({ name: "disk-space", probes: [{ checker: "disk-space", status: "running" }], durationMs: 3 });
    expect((await app.request("/checks/nope/run", { method: "POST" }, loopback)).status).toBe(404);
  });

  test("join and leave work from loopback without a token, and only with it once one is configured", async () => {
    const open = makeApp();
    const join = (app: typeof open.app, env: object, headers: Record<string, string> = {}) =>
      app.request("/join", { method: "POST", body: JSON.stringify({ addresses: ["10.0.0.2:7946"] }), headers: { "content-type": "application/json", ...headers } }, env);
    expect((await join(open.app, loopback)).status).toBe(200);
    expect(open.state.joined).toEqual(["10.0.0.2:7946"]);
    expect((await open.app.request("/leave", { method: "POST" }, loopback)).status).toBe(200);
    expect(open.state.left).toBe(1);

    const guarded = makeApp({ apiToken: "0123456789abcdef0123" });
    expect((await join(guarded.app, loopback)).status).toBe(403);
    expect((await join(guarded.app, { remoteAddress: "10.1.1.1" }, { authorization: "Bearer 0123456789abcdef0123" })).status).toBe(200);
    expect((await guarded.app.request("/leave", { method: "POST" }, loopback)).status).toBe(403);
    expect(guarded.state.left).toBe(0);
  });

  test("join validates its body and reports a join that reached nobody", async () => {
    const { app } = makeApp();
    const post = (body: string) => app.request("/join", { method: "POST", body }, loopback);
    expect((await post("not json")).status).toBe(400);
    expect((await post('{"addresses":[]}')).status).toBe(400);
    const none = await post('{"addresses":["bad:1"]}');
    expect(none.status).toBe(502);
    expect(((await none.json()) as { error: string }).error).toBe("could not join any of bad:1");
  });
});

describe("status rendering cache", () => {
  test("with statusCacheMs, /status is rendered once per window", async () => {
    const { app, state, clock } = makeApp({ statusCacheMs: 100 });
    expect((await app.request("/status")).status).toBe(200);
    state.cluster = { status: "degraded", timestamp: "t2", summary: "master node unavailable" };
    expect((await app.request("/status")).status).toBe(200);
    await clock.advance(100);
    const res = await app.request("/status");
    expect(res.status).toBe(503);
    expect(res.headers.get("content-type")).toBe("application/json");
  });
});
