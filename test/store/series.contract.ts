import { afterEach, describe, expect, test } from "bun:test";
import type { SeriesHistoryStore } from "../../src/store/series.ts";
import { sample } from "./history-store.contract.ts";

export type MakeSeriesStore = (options: { retentionMs: number }) => SeriesHistoryStore | Promise<SeriesHistoryStore>;

const M = 60_000;
const T0 = Date.UTC(2026, 0, 1);

/** querySeries and queryLatest, shared by the stores that have them. */
export function runSeriesStoreContract(name: string, makeStore: MakeSeriesStore): void {
  describe(`series contract: ${name}`, () => {
    const open: SeriesHistoryStore[] = [];
    const make = async (): Promise<SeriesHistoryStore> => {
      const store = await makeStore({ retentionMs: 30 * 24 * 3600_000 });
      open.push(store);
      return store;
    };
    afterEach(async () => {
      for (const s of open.splice(0)) await s.close();
    });

    test("one-minute buckets with count, failures and min/avg/max duration", async () => {
      const store = await make();
      await store.appendSamples([
        sample({ ts: T0 + 1000, durationMs: 10 }),
        sample({ ts: T0 + 30_000, durationMs: 30, status: "failed" }),
        sample({ ts: T0 + M + 5, durationMs: 7 }),
        sample({ ts: T0 + 3 * M, durationMs: 1, node: "n2" }),
        sample({ ts: T0 + 3 * M + 1, durationMs: 4, checker: "etcd" }),
      ]);
      expect(await store.querySeries({ checker: "docker", node: "n1", sinceMs: T0, stepMs: M, untilMs: T0 + 10 * M })).toEqual([
        { ts: T0, count: 2, failures: 1, minMs: 10, avgMs: 20, maxMs: 30 },
        { ts: T0 + M, count: 1, failures: 0, minMs: 7, avgMs: 7, maxMs: 7 },
      ]);
      const allNodes = await store.querySeries({ checker: "docker", sinceMs: T0, stepMs: 5 * M, untilMs: T0 + 10 * M });
      expect(allNodes).toEqual([{ ts: T0, count: 4, failures: 1, minMs: 1, avgMs: 12, maxMs: 30 }]);
      expect(await store.querySeries({ checker: "docker", sinceMs: T0 + 2 * M, stepMs: M, untilMs: T0 + 3 * M })).toEqual([]);
    });

    test("steps below a minute are treated as one minute; sinceMs is rounded down to the step", async () => {
      const store = await make();
      await store.appendSamples([sample({ ts: T0 + 10, durationMs: 2 }), sample({ ts: T0 + 20, durationMs: 4 })]);
      const points = await store.querySeries({ checker: "docker", sinceMs: T0 + 15, stepMs: 1000, untilMs: T0 + M });
      expect(points).toEqual([{ ts: T0, count: 2, failures: 0, minMs: 2, avgMs: 3, maxMs: 4 }]);
    });

    test("queryLatest gives the newest sample per node and checker", async () => {
      const store = await make();
      await store.appendSamples([
        sample({ ts: T0 + 1, node: "b" }),
        sample({ ts: T0 + 2, node: "a", checker: "etcd", status: "failed", error: "down" }),
        sample({ ts: T0 + 3, node: "b" }),
        sample({ ts: T0 + 4, node: "a" }),
      ]);
      const latest = await store.queryLatest();
      expect(latest.map((s) => [s.node, s.checker, s.ts - T0])).toEqual([
        ["a", "docker", 4],
        ["a", "etcd", 2],
        ["b", "docker", 3],
      ]);
      expect(latest[1]?.error).toBe("down");
      expect((await store.queryLatest({ node: "b" })).length).toBe(1);
      expect((await store.queryLatest({ checker: "etcd" })).length).toBe(1);
    });
  });
}
