import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Database } from "bun:sqlite";
import { ManualClock } from "../../src/platform/manual-clock.ts";
import { silentLogger } from "../../src/platform/logger.ts";
import { SatelliteError } from "../../src/platform/errors.ts";
import { createSqliteHistoryStore } from "../../src/store/sqlite/sqlite-history-store.ts";
import { SCHEMA_VERSION } from "../../src/store/sqlite/schema.ts";
import { event, runHistoryStoreContract, sample } from "./history-store.contract.ts";
import type { ProbeSample, TimelineEvent } from "../../src/store/history-store.ts";
import { runSeriesStoreContract } from "./series.contract.ts";
import { metric, runMetricSeriesContract } from "./metric-series.contract.ts";

const root = mkdtempSync(join(tmpdir(), "satellite-sqlite-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let counter = 0;
const freshPath = (): string => join(root, `h${counter++}.db`);
const T0 = Date.UTC(2026, 0, 1);

const open = (path: string, retentionMs = 7 * 24 * 3600_000) =>
  createSqliteHistoryStore({ path, retentionMs, clock: new ManualClock(T0), logger: silentLogger, pruneIntervalMs: 0 });

runHistoryStoreContract("sqlite", (o) => open(freshPath(), o.retentionMs));
runSeriesStoreContract("sqlite", (o) => open(freshPath(), o.retentionMs));
runMetricSeriesContract("sqlite", (o) => open(freshPath(), o.retentionMs));

describe("sqlite history: metric series", () => {
  test("series and their minutes survive a reopen, and later samples join the same minute row", async () => {
    const path = freshPath();
    const first = open(path);
    await first.appendMetrics([metric({ ts: T0 + 1, value: 1 }), metric({ ts: T0 + 2, metric: "peer.rttP95Ms", peer: "n2", value: 4 })]);
    await first.close();
    const second = open(path);
    await second.appendMetrics([metric({ ts: T0 + 3, value: 3 })]);
    expect(await second.queryMetricSeries({ metric: "disk-space.usedPercent", sinceMs: T0, stepMs: 60_000, untilMs: T0 + 60_000 })).toEqual([{ ts: T0, count: 2, min: 1, avg: 2, max: 3 }]);
    expect(await second.queryMetricSeries({ metric: "peer.rttP95Ms", peer: "n2", sinceMs: T0, stepMs: 60_000, untilMs: T0 + 60_000 })).toEqual([{ ts: T0, count: 1, min: 4, avg: 4, max: 4 }]);
    await second.close();
    const db = new Database(path, { readonly: true });
    expect((db.query("SELECT COUNT(*) AS n FROM metrics_1m").get() as { n: number }).n).toBe(2);
    expect((db.query("SELECT COUNT(*) AS n FROM metric_series").get() as { n: number }).n).toBe(2);
    db.close();
  });
});

function openError(path: string): SatelliteError {
  try {
    open(path);
  } catch (error) {
    if (error instanceof SatelliteError) return error;
    throw error;
  }
  throw new Error(`opening ${path} unexpectedly worked`);
}

describe("sqlite history: opening", () => {
  test("a missing directory is a clear error naming the path", () => {
    const path = join(root, "no-such-dir", "history.db");
    const error = openError(path);
    expect(error.code).toBe("HISTORY_DIR_MISSING");
    expect(error.message).toContain(path);
    expect(error.hint).toContain("mkdir -p");
  });

  test("a file that is not a database is a clear error naming the path", () => {
    const path = freshPath();
    writeFileSync(path, "this is a text file, not a SQLite database".repeat(20));
    const error = openError(path);
    expect(error.code).toBe("HISTORY_NOT_A_DATABASE");
    expect(error.message).toContain(path);
    expect(error.hint).toContain("move");
  });

  test("a path that is a directory cannot be opened and says so", () => {
    const path = freshPath();
    mkdirSync(path);
    const error = openError(path);
    expect(error.message).toContain(path);
    expect(error.hint).toBeDefined();
  });

  test("a database from a newer satellite is refused, not downgraded", () => {
    const path = freshPath();
    const db = new Database(path);
    db.exec(`PRAGMA user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    expect(openError(path).code).toBe("HISTORY_SCHEMA_TOO_NEW");
  });

  test("the database is in WAL mode with the current schema version", async () => {
    const path = freshPath();
    const store = open(path);
    await store.close();
    const db = new Database(path, { readonly: true });
    expect(db.query("PRAGMA journal_mode").get()).toEqual({ journal_mode: "wal" });
    expect(db.query("PRAGMA user_version").get()).toEqual({ user_version: SCHEMA_VERSION });
    db.close();
  });

  test("a version-1 database is migrated and keeps its rows, aggregates rebuilt", async () => {
    const path = freshPath();
    const { MIGRATIONS } = await import("../../src/store/sqlite/schema.ts");
    const db = new Database(path);
    db.exec(MIGRATIONS[0] as string);
    db.exec("PRAGMA user_version = 1");
    db.exec(`INSERT INTO samples (ts, node, checker, status, duration_ms) VALUES (${T0}, 'n1', 'docker', 'failed', 3)`);
    db.exec(`INSERT INTO events (timestamp, type, node) VALUES (${T0}, 'NodeAdded', 'n1')`);
    db.close();
    const store = open(path);
    expect((await store.querySamples({})).length).toBe(1);
    expect(await store.queryEvents({})).toEqual([{ timestamp: T0, type: "NodeAdded", node: "n1" }]);
    expect(await store.querySeries({ checker: "docker", sinceMs: T0, stepMs: 60_000, untilMs: T0 + 60_000 })).toEqual([
      { ts: T0, count: 1, failures: 1, minMs: 3, avgMs: 3, maxMs: 3 },
    ]);
    expect((await store.queryLatest()).length).toBe(1);
    await store.close();
  });

  test("a version-3 database gains the events' error column and keeps its events", async () => {
    const path = freshPath();
    const { MIGRATIONS } = await import("../../src/store/sqlite/schema.ts");
    const db = new Database(path);
    for (const step of MIGRATIONS.slice(0, 3)) db.exec(step);
    db.exec("PRAGMA user_version = 3");
    db.exec(`INSERT INTO events (timestamp, type, node, probe) VALUES (${T0}, 'ProbeFailed', 'n1', 'etcd')`);
    db.close();
    const store = open(path);
    await store.appendEvents([{ timestamp: T0 + 1, type: "ProbeFailed", node: "n1", probe: "etcd", error: "connection refused by 10.0.0.5:2379" }]);
    expect(await store.queryEvents({})).toEqual([
      { timestamp: T0 + 1, type: "ProbeFailed", node: "n1", probe: "etcd", error: "connection refused by 10.0.0.5:2379" },
      { timestamp: T0, type: "ProbeFailed", node: "n1", probe: "etcd" },
    ]);
    await store.close();
  });
});

describe("sqlite history: malformed rows", () => {
  test("a malformed row is refused and counted and never blocks later writes", async () => {
    const store = open(freshPath());
    const bad = { ts: Number.NaN, node: "n1", checker: "docker", status: "running", durationMs: 1 } as ProbeSample;
    const noNode = { ts: T0, checker: "docker", status: "running", durationMs: 1 } as unknown as ProbeSample;
    await store.appendSamples([bad, noNode, sample({ ts: T0, durationMs: Number.POSITIVE_INFINITY })]);
    await store.appendEvents([{ timestamp: T0 } as TimelineEvent]);
    await store.appendSamples([sample({ ts: T0 + 1.4 })]);
    expect(store.health()).toEqual({ ok: true });
    expect(store.droppedRows()).toBe(3);
    expect((await store.querySamples({})).map((s) => [s.ts - T0, s.durationMs])).toEqual([
      [0, 0],
      [1, 5],
    ]);
    await store.close();
  });
});

describe("sqlite history: durability", () => {
  test("closing and reopening the same file keeps history", async () => {
    const path = freshPath();
    const first = open(path);
    await first.appendSamples([sample({ ts: T0 }), sample({ ts: T0 + 1, status: "failed", error: "x" })]);
    await first.appendEvents([event({ timestamp: T0 })]);
    await first.close();
    const second = open(path);
    expect((await second.querySamples({})).length).toBe(2);
    expect(await second.queryEvents({})).toEqual([event({ timestamp: T0 })]);
    // The duplicate index survives the restart too.
    await second.appendEvents([event({ timestamp: T0 })]);
    expect((await second.queryEvents({})).length).toBe(1);
    await second.close();
  });

  test("the store prunes itself on its clock", async () => {
    const clock = new ManualClock(T0);
    const store = createSqliteHistoryStore({
      path: freshPath(),
      retentionMs: 60_000,
      clock,
      logger: silentLogger,
      pruneIntervalMs: 10_000,
    });
    await store.appendSamples([sample({ ts: T0 })]);
    await clock.advance(60_000);
    expect((await store.querySamples({})).length).toBe(1);
    await waitFor(async () => {
      await clock.advance(10_000);
      return (await store.querySamples({})).length === 0;
    });
    await store.close();
    expect(clock.pendingTimers()).toBe(0);
  });
});

/** Polls a condition with a bounded deadline (real time: the store yields to the event loop). */
export async function waitFor(cond: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await cond())) {
    if (performance.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setImmediate(r));
  }
}
