import { describe, expect, test } from "bun:test";
import { makeApp } from "./app-fixture.ts";

describe("GET /history/metrics", () => {
  test("one node's metric names with a prefix, sorted and bounded", async () => {
    const { app, history } = makeApp();
    const ts = Date.UTC(2026, 10, 22, 11, 59);
    await history.appendMetrics([
      { ts, node: "n1", metric: "statsd.checkout.latency.p99", value: 12 },
      { ts, node: "n1", metric: "statsd.api.requests.count", value: 3 },
      { ts, node: "n1", metric: "disk-space.usedPercent", value: 40 },
      { ts, node: "n2", metric: "statsd.elsewhere.count", value: 1 },
    ]);
    const response = await app.request("/history/metrics?node=n1&prefix=statsd.");
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ node: "n1", prefix: "statsd.", metrics: ["statsd.api.requests.count", "statsd.checkout.latency.p99"] });
    expect(((await (await app.request("/history/metrics?node=n1&prefix=statsd.&limit=1")).json()) as { metrics: string[] }).metrics).toEqual(["statsd.api.requests.count"]);
  });

  test("a missing node, a bad limit or an unknown parameter is 400 saying so", async () => {
    const { app } = makeApp();
    const cases: [string, RegExp][] = [
      ["/history/metrics?prefix=statsd.", /node is required/],
      ["/history/metrics?node=n1&limit=0", /limit must be a whole number from 1 to 1000/],
      ["/history/metrics?node=n1&limit=5000", /limit must be a whole number/],
      ["/history/metrics?node=n1&metric=x", /unknown query parameter "metric"/],
    ];
    for (const [url, error] of cases) {
      const response = await app.request(url);
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: string }).error).toMatch(error);
    }
  });

  test("a backend that cannot list names answers 501", async () => {
    const { history } = makeApp();
    const without = makeApp({ history: { ...history, listMetrics: undefined } });
    expect((await without.app.request("/history/metrics?node=n1")).status).toBe(501);
  });
});
