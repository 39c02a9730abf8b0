import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ManualClock } from "../../src/platform/manual-clock.ts";
import { silentLogger } from "../../src/platform/logger.ts";
import { createSqliteHistoryStore } from "../../src/store/sqlite/sqlite-history-store.ts";
import type { ProbeSample } from "../../src/store/history-store.ts";
import { event, sample } from "./history-store.contract.ts";

const root = mkdtempSync(join(tmpdir(), "satellite-retention-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const T0 = Date.UTC(2026, 0, 1);
const M = 60_000;
const H = 3600_000;

function minutes(count: number, node = "n1"): ProbeSample[] {
  return Array.from({ length: count }, (_, i) => sample({ ts: T0 + i * M, node, durationMs: i }));
}

test("raw samples go after sampleRetentionMs, minute aggregates stay until aggregateRetentionMs", async () => {
  const store = createSqliteHistoryStore({
    path: join(root, "a.db"),
    retentionMs: 7 * 24 * H,
    sampleRetentionMs: H,
    aggregateRetentionMs: 24 * H,
    clock: new ManualClock(T0),
    logger: silentLogger,
    pruneIntervalMs: 0,
  });
  await store.appendSamples(minutes(180));
  await store.appendEvents([event({ timestamp: T0 })]);
  expect(await store.prune(T0 + 180 * M)).toBe(120);
  expect((await store.querySamples({})).length).toBe(60);
  const series = await store.querySeries({ checker: "docker", sinceMs: T0, stepMs: H, untilMs: T0 + 3 * H });
  expect(series.map((p) => [p.ts - T0, p.count, p.minMs, p.maxMs])).toEqual([
    [0, 60, 0, 59],
    [H, 60, 60, 119],
    [2 * H, 60, 120, 179],
  ]);
  expect((await store.queryEvents({})).length).toBe(1);
  // Past the aggregate retention the series is forgotten too (but not the week-old event).
  await store.prune(T0 + 30 * H);
  expect(await store.querySeries({ checker: "docker", sinceMs: T0, stepMs: H, untilMs: T0 + 3 * H })).toEqual([]);
  expect(await store.queryLatest()).toEqual([]);
  expect((await store.queryEvents({})).length).toBe(1);
  await store.close();
});

test("retention deletes in bounded batches and lets writes in between", async () => {
  let pauses = 0;
  let store: ReturnType<typeof createSqliteHistoryStore> | undefined;
  const writtenDuringPrune: number[] = [];
  store = createSqliteHistoryStore({
    path: join(root, "b.db"),
    retentionMs: H,
    clock: new ManualClock(T0),
    logger: silentLogger,
    pruneIntervalMs: 0,
    pruneBatchRows: 100,
    yieldToEventLoop: async () => {
      pauses++;
      const ts = T0 + 100 * H + pauses;
      writtenDuringPrune.push(ts);
      await store?.appendSamples([sample({ ts, node: "live" })]);
    },
  });
  await store.appendSamples(minutes(1000, "old"));
  await store.appendEvents(Array.from({ length: 250 }, (_, i) => event({ timestamp: T0 + i })));
  expect(await store.prune(T0 + 50 * H)).toBe(1250);
  // 1000 samples in batches of 100 (10 full + 1 empty) then 250 events (2 full + 1 partial).
  expect(pauses).toBeGreaterThanOrEqual(12);
  const live = await store.querySamples({ node: "live" });
  expect(live.map((s) => s.ts)).toEqual(writtenDuringPrune);
  await store.close();
});

test("close during a retention pass stops it at the next batch and releases the file", async () => {
  let release: (() => void) | undefined;
  let paused: () => void = () => {};
  const firstPause = new Promise<void>((resolve) => (paused = resolve));
  const store = createSqliteHistoryStore({
    path: join(root, "c.db"),
    retentionMs: H,
    clock: new ManualClock(T0),
    logger: silentLogger,
    pruneIntervalMs: 0,
    pruneBatchRows: 10,
    yieldToEventLoop: () =>
      new Promise<void>((resolve) => {
        release = resolve;
        paused();
      }),
  });
  await store.appendSamples(minutes(100));
  const pass = store.prune(T0 + 10 * 24 * H);
  await firstPause;
  const closing = store.close();
  release?.();
  expect(await pass).toBe(10);
  await closing;
  await store.close();
});
