import { afterEach, describe, expect, test } from "bun:test";
import type { HistoryStore } from "../../src/store/history-store.ts";
import type { MetricSample } from "../../src/store/metric-series.ts";

export type MakeMetricStore = (options: { retentionMs: number }) => HistoryStore | Promise<HistoryStore>;

const M = 60_000;
const T0 = Date.UTC(2026, 0, 1);

export function metric(over: Partial<MetricSample> & { ts: number; value: number }): MetricSample {
  return { node: "n1", metric: "disk-space.usedPercent", ...over };
}

/** appendMetrics and queryMetricSeries: every HistoryStore runs this suite. */
export function runMetricSeriesContract(name: string, makeStore: MakeMetricStore): void {
  describe(`metric series contract: ${name}`, () => {
    const open: HistoryStore[] = [];
    const make = async (retentionMs = 30 * 24 * 3600_000): Promise<HistoryStore> => {
      const store = await makeStore({ retentionMs });
      open.push(store);
      return store;
    };
    afterEach(async () => {
      for (const s of open.splice(0)) await s.close();
    });

    test("one-minute buckets with count and min/avg/max, per node or over every node", async () => {
      const store = await make();
      await store.appendMetrics([
        metric({ ts: T0 + 1000, value: 10 }),
        metric({ ts: T0 + 30_000, value: 30 }),
        metric({ ts: T0 + M + 5, value: 7 }),
        metric({ ts: T0 + 3 * M, value: 1, node: "n2" }),
        metric({ ts: T0 + 3 * M + 1, value: 99, metric: "host-metrics.load.load1" }),
      ]);
      expect(await store.queryMetricSeries({ metric: "disk-space.usedPercent", node: "n1", sinceMs: T0, stepMs: M, untilMs: T0 + 10 * M })).toEqual([
        { ts: T0, count: 2, min: 10, avg: 20, max: 30 },
        { ts: T0 + M, count: 1, min: 7, avg: 7, max: 7 },
      ]);
      expect(await store.queryMetricSeries({ metric: "disk-space.usedPercent", sinceMs: T0, stepMs: 5 * M, untilMs: T0 + 10 * M })).toEqual([
        { ts: T0, count: 4, min: 1, avg: 12, max: 30 },
      ]);
      expect(await store.queryMetricSeries({ metric: "host-metrics.load.load1", sinceMs: T0, stepMs: M, untilMs: T0 + 10 * M })).toEqual([
        { ts: T0 + 3 * M, count: 1, min: 99, avg: 99, max: 99 },
      ]);
      expect(await store.queryMetricSeries({ metric: "no.such", sinceMs: T0, stepMs: M, untilMs: T0 + 10 * M })).toEqual([]);
    });

    test("writes to a series add up across calls; since is rounded down to the step, until is exclusive", async () => {
      const store = await make();
      await store.appendMetrics([metric({ ts: T0 + 10, value: 2 })]);
      await store.appendMetrics([metric({ ts: T0 + 20, value: 4 })]);
      await store.appendMetrics([metric({ ts: T0 + 2 * M, value: 8 })]);
      expect(await store.queryMetricSeries({ metric: "disk-space.usedPercent", sinceMs: T0 + 15, stepMs: 1000, untilMs: T0 + 2 * M })).toEqual([
        { ts: T0, count: 2, min: 2, avg: 3, max: 4 },
      ]);
    });

    test("per-peer series: one peer, or every peer together", async () => {
      const store = await make();
      await store.appendMetrics([
        metric({ ts: T0, metric: "peer.rttP95Ms", peer: "n2", value: 2 }),
        metric({ ts: T0, metric: "peer.rttP95Ms", peer: "n3", value: 6 }),
        metric({ ts: T0, metric: "peer.rttP95Ms", node: "n2", peer: "n1", value: 3 }),
      ]);
      const q = { metric: "peer.rttP95Ms", sinceMs: T0, stepMs: M, untilMs: T0 + M };
      expect(await store.queryMetricSeries({ ...q, node: "n1", peer: "n3" })).toEqual([{ ts: T0, count: 1, min: 6, avg: 6, max: 6 }]);
      expect(await store.queryMetricSeries({ ...q, node: "n1" })).toEqual([{ ts: T0, count: 2, min: 2, avg: 4, max: 6 }]);
      expect(await store.queryMetricSeries({ ...q, peer: "n1" })).toEqual([{ ts: T0, count: 1, min: 3, avg: 3, max: 3 }]);
    });

    test("samples without a node or a valid name, or with a value that is not finite, are dropped", async () => {
      const store = await make();
      await store.appendMetrics([
        metric({ ts: T0, value: Number.NaN }),
        metric({ ts: T0, value: Number.POSITIVE_INFINITY }),
        metric({ ts: T0, value: 1, node: "" }),
        metric({ ts: T0, value: 1, metric: "bad name" }),
        metric({ ts: Number.NaN, value: 1 }),
        metric({ ts: T0, value: 5 }),
      ]);
      expect(await store.queryMetricSeries({ metric: "disk-space.usedPercent", sinceMs: T0, stepMs: M, untilMs: T0 + M })).toEqual([
        { ts: T0, count: 1, min: 5, avg: 5, max: 5 },
      ]);
      expect(store.health().ok).toBe(true);
    });

    test("prune removes minutes older than the retention; the series takes new samples afterwards", async () => {
      const store = await make(10 * M);
      await store.appendMetrics([metric({ ts: T0, value: 1 }), metric({ ts: T0 + 20 * M, value: 2 })]);
      await store.prune(T0 + 25 * M);
      const all = { metric: "disk-space.usedPercent", sinceMs: T0, stepMs: M, untilMs: T0 + 60 * M };
      expect((await store.queryMetricSeries(all)).map((p) => p.ts - T0)).toEqual([20 * M]);
      await store.prune(T0 + 60 * M);
      expect(await store.queryMetricSeries(all)).toEqual([]);
      await store.appendMetrics([metric({ ts: T0 + 50 * M, value: 3 })]);
      expect(await store.queryMetricSeries(all)).toEqual([{ ts: T0 + 50 * M, count: 1, min: 3, avg: 3, max: 3 }]);
    });

    test("listMetrics: one node's names with a prefix, sorted, each once, bounded by the limit", async () => {
      const store = await make();
      await store.appendMetrics([
        metric({ ts: T0, value: 1, metric: "statsd.checkout.latency.p99" }),
        metric({ ts: T0 + M, value: 2, metric: "statsd.checkout.latency.p99" }),
        metric({ ts: T0, value: 3, metric: "statsd.api.requests.count" }),
        metric({ ts: T0, value: 4, metric: "statsd.other-node.count", node: "n2" }),
        metric({ ts: T0, value: 5, metric: "peer.rttP95Ms", peer: "n2" }),
        metric({ ts: T0, value: 6, metric: "peer.rttP95Ms", peer: "n3" }),
      ]);
      expect(await store.listMetrics?.({ node: "n1", prefix: "statsd.", limit: 10 })).toEqual(["statsd.api.requests.count", "statsd.checkout.latency.p99"]);
      expect(await store.listMetrics?.({ node: "n1", prefix: "statsd.", limit: 1 })).toEqual(["statsd.api.requests.count"]);
      expect(await store.listMetrics?.({ node: "n1", prefix: "", limit: 10 })).toEqual(["peer.rttP95Ms", "statsd.api.requests.count", "statsd.checkout.latency.p99"]);
      expect(await store.listMetrics?.({ node: "n9", prefix: "", limit: 10 })).toEqual([]);
    });

    test("after close, writes are ignored and queries answer empty", async () => {
      const store = await make();
      await store.close();
      await store.appendMetrics([metric({ ts: T0, value: 1 })]);
      expect(await store.queryMetricSeries({ metric: "disk-space.usedPercent", sinceMs: T0, stepMs: M, untilMs: T0 + M })).toEqual([]);
    });
  });
}
