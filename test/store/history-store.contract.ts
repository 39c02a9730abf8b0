import { afterEach, describe, expect, test } from "bun:test";
import type { HistoryStore, ProbeSample, TimelineEvent } from "../../src/store/history-store.ts";

export type MakeStore = (options: { retentionMs: number }) => HistoryStore | Promise<HistoryStore>;

const T0 = Date.UTC(2026, 0, 1);

export function sample(over: Partial<ProbeSample> & { ts: number }): ProbeSample {
  return { node: "n1", checker: "docker", status: "running", durationMs: 5, ...over };
}

export function event(over: Partial<TimelineEvent> & { timestamp: number }): TimelineEvent {
  return { type: "ProbeFailed", node: "n1", probe: "docker", oldState: "running", newState: "failed", ...over };
}

/** The behaviour every HistoryStore must have; each implementation runs this suite. */
export function runHistoryStoreContract(name: string, makeStore: MakeStore): void {
  describe(`HistoryStore contract: ${name}`, () => {
    const open: HistoryStore[] = [];
    const make = async (retentionMs = 7 * 24 * 3600_000): Promise<HistoryStore> => {
      const store = await makeStore({ retentionMs });
      open.push(store);
      return store;
    };
    afterEach(async () => {
      for (const s of open.splice(0)) await s.close();
    });

    test("an empty store answers empty lists and is healthy", async () => {
      const store = await make();
      expect(await store.queryEvents({})).toEqual([]);
      expect(await store.querySamples({})).toEqual([]);
      expect(store.health()).toEqual({ ok: true });
      await store.appendSamples([]);
      await store.appendEvents([]);
      expect(await store.queryEvents({})).toEqual([]);
    });

    test("events come back newest first, later arrival first on equal timestamps", async () => {
      const store = await make();
      await store.appendEvents([event({ timestamp: T0 + 2 }), event({ timestamp: T0 + 1, node: "n2" })]);
      await store.appendEvents([event({ timestamp: T0 + 3, type: "NodeDegraded", probe: undefined })]);
      await store.appendEvents([event({ timestamp: T0 + 2, node: "n3" })]);
      const got = await store.queryEvents({});
      expect(got.map((e) => [e.timestamp - T0, e.node])).toEqual([
        [3, "n1"],
        [2, "n3"],
        [2, "n1"],
        [1, "n2"],
      ]);
      expect(got[0]).toEqual({ timestamp: T0 + 3, type: "NodeDegraded", node: "n1", oldState: "running", newState: "failed" });
    });

    test("event filters: node, probe, type, sinceMs, combined", async () => {
      const store = await make();
      await store.appendEvents([
        event({ timestamp: T0 + 1, node: "a", probe: "docker" }),
        event({ timestamp: T0 + 2, node: "b", probe: "docker", type: "ProbeSucceeded" }),
        event({ timestamp: T0 + 3, node: "a", probe: "etcd" }),
        event({ timestamp: T0 + 4, node: "a", probe: undefined, type: "NodeDegraded" }),
        { timestamp: T0 + 5, type: "ClusterDegraded" },
      ]);
      const ts = (es: TimelineEvent[]): number[] => es.map((e) => e.timestamp - T0);
      expect(ts(await store.queryEvents({ node: "a" }))).toEqual([4, 3, 1]);
      expect(ts(await store.queryEvents({ probe: "docker" }))).toEqual([2, 1]);
      expect(ts(await store.queryEvents({ type: "ProbeFailed" }))).toEqual([3, 1]);
      expect(ts(await store.queryEvents({ sinceMs: T0 + 3 }))).toEqual([5, 4, 3]);
      expect(ts(await store.queryEvents({ node: "a", type: "ProbeFailed", sinceMs: T0 + 2 }))).toEqual([3]);
      expect(ts(await store.queryEvents({ node: "zzz" }))).toEqual([]);
      expect(await store.queryEvents({ type: "ClusterDegraded" })).toEqual([{ timestamp: T0 + 5, type: "ClusterDegraded" }]);
    });

    test("event limit: default 1000, explicit limits keep the newest", async () => {
      const store = await make();
      const many = Array.from({ length: 1200 }, (_, i) => event({ timestamp: T0 + i }));
      await store.appendEvents(many);
      const all = await store.queryEvents({});
      expect(all.length).toBe(1000);
      expect(all[0]?.timestamp).toBe(T0 + 1199);
      expect((await store.queryEvents({ limit: 3 })).map((e) => e.timestamp - T0)).toEqual([1199, 1198, 1197]);
      expect(await store.queryEvents({ limit: 0 })).toEqual([]);
      expect((await store.queryEvents({ limit: 5000 })).length).toBe(1200);
    });

    test("duplicate events are stored once, within and across batches", async () => {
      const store = await make();
      const e = event({ timestamp: T0 });
      const noNode: TimelineEvent = { timestamp: T0, type: "ClusterHealthy", oldState: "degraded", newState: "running" };
      await store.appendEvents([e, { ...e }, noNode, { ...noNode }]);
      await store.appendEvents([{ ...e }, { ...noNode }]);
      await store.appendEvents([{ ...e, newState: "terminated" }, { ...e, timestamp: T0 + 1 }]);
      expect((await store.queryEvents({})).length).toBe(4);
    });

    test("a ProbeFailed keeps its error text, bounded; events without one have no error field", async () => {
      const store = await make();
      await store.appendEvents([
        event({ timestamp: T0, error: "connection refused by 10.0.0.5:2379" }),
        event({ timestamp: T0 + 1, type: "ProbeSucceeded", oldState: "failed", newState: "running" }),
        event({ timestamp: T0 + 2, error: "x".repeat(5000) }),
      ]);
      const got = await store.queryEvents({});
      expect(got[2]).toEqual({ timestamp: T0, type: "ProbeFailed", node: "n1", probe: "docker", oldState: "running", newState: "failed", error: "connection refused by 10.0.0.5:2379" });
      expect(got[1]).not.toHaveProperty("error");
      expect(got[0]?.error?.length).toBe(1024);
    });

    test("samples come back oldest first with optional fields only when set", async () => {
      const store = await make();
      await store.appendSamples([
        sample({ ts: T0 + 2, status: "failed", severity: "warning", error: "boom", durationMs: 12.5 }),
        sample({ ts: T0 + 1 }),
      ]);
      await store.appendSamples([sample({ ts: T0 + 3, node: "n2" })]);
      expect(await store.querySamples({})).toEqual([
        { ts: T0 + 1, node: "n1", checker: "docker", status: "running", durationMs: 5 },
        { ts: T0 + 2, node: "n1", checker: "docker", status: "failed", severity: "warning", error: "boom", durationMs: 12.5 },
        { ts: T0 + 3, node: "n2", checker: "docker", status: "running", durationMs: 5 },
      ]);
    });

    test("sample filters: node, checker, sinceMs inclusive, untilMs exclusive", async () => {
      const store = await make();
      await store.appendSamples([
        sample({ ts: T0 + 1, node: "a", checker: "docker" }),
        sample({ ts: T0 + 2, node: "b", checker: "docker" }),
        sample({ ts: T0 + 3, node: "a", checker: "etcd" }),
        sample({ ts: T0 + 4, node: "a", checker: "docker" }),
      ]);
      const ts = (ss: ProbeSample[]): number[] => ss.map((s) => s.ts - T0);
      expect(ts(await store.querySamples({ node: "a" }))).toEqual([1, 3, 4]);
      expect(ts(await store.querySamples({ checker: "docker" }))).toEqual([1, 2, 4]);
      expect(ts(await store.querySamples({ node: "a", checker: "docker" }))).toEqual([1, 4]);
      expect(ts(await store.querySamples({ sinceMs: T0 + 2, untilMs: T0 + 4 }))).toEqual([2, 3]);
    });

    test("sample limit keeps the newest matching samples, still oldest first", async () => {
      const store = await make();
      await store.appendSamples(Array.from({ length: 50 }, (_, i) => sample({ ts: T0 + i })));
      expect((await store.querySamples({ limit: 3 })).map((s) => s.ts - T0)).toEqual([47, 48, 49]);
      expect(await store.querySamples({ limit: 0 })).toEqual([]);
      expect((await store.querySamples({})).length).toBe(50);
    });

    test("prune(nowMs) removes what is older than the retention and counts it", async () => {
      const store = await make(1000);
      await store.appendSamples([sample({ ts: T0 }), sample({ ts: T0 + 999 }), sample({ ts: T0 + 1000 }), sample({ ts: T0 + 5000 })]);
      await store.appendEvents([event({ timestamp: T0 }), event({ timestamp: T0 + 1000 }), event({ timestamp: T0 + 5000 })]);
      expect(await store.prune(T0 + 2000)).toBe(3);
      expect((await store.querySamples({})).map((s) => s.ts - T0)).toEqual([1000, 5000]);
      expect((await store.queryEvents({})).map((e) => e.timestamp - T0)).toEqual([5000, 1000]);
      expect(await store.prune(T0 + 2000)).toBe(0);
      expect(await store.prune(T0 + 1_000_000)).toBe(4);
      expect(await store.querySamples({})).toEqual([]);
      expect(await store.queryEvents({})).toEqual([]);
    });

    test("an event pruned away can be recorded again", async () => {
      const store = await make(1000);
      await store.appendEvents([event({ timestamp: T0 })]);
      await store.prune(T0 + 10_000);
      await store.appendEvents([event({ timestamp: T0 })]);
      expect((await store.queryEvents({})).length).toBe(1);
    });

    test("close is idempotent and later writes neither throw nor store", async () => {
      const store = await make();
      await store.appendSamples([sample({ ts: T0 })]);
      await store.close();
      await store.close();
      await store.appendSamples([sample({ ts: T0 + 1 })]);
      await store.appendEvents([event({ timestamp: T0 })]);
      expect(await store.prune(T0 + 1e12)).toBe(0);
    });
  });
}
