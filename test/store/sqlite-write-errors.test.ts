import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync, unlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ManualClock } from "../../src/platform/manual-clock.ts";
import { createMemoryLogger } from "../../src/platform/logger.ts";
import { SatelliteError } from "../../src/platform/errors.ts";
import { createSqliteHistoryStore } from "../../src/store/sqlite/sqlite-history-store.ts";
import { event, sample } from "./history-store.contract.ts";

// Root can write anywhere, so "read-only" is made with the immutable attribute (ext4) and
// "disk full" with a tiny tmpfs. Both need root; without it these tests cannot run.
const root = mkdtempSync(join(tmpdir(), "satellite-sqlite-err-"));
const T0 = Date.UTC(2026, 0, 1);
const isRoot = process.getuid?.() === 0;

function sh(cmd: string[]): { ok: boolean; err: string } {
  const r = Bun.spawnSync(cmd, { stderr: "pipe" });
  return { ok: r.exitCode === 0, err: r.stderr.toString() };
}

afterAll(() => {
  sh(["chattr", "-R", "-i", root]);
  sh(["umount", join(root, "small")]);
  rmSync(root, { recursive: true, force: true });
});

const chattrWorks = isRoot && (() => {
  const probe = join(root, "chattr-probe");
  writeFileSync(probe, "x");
  const ok = sh(["chattr", "+i", probe]).ok;
  sh(["chattr", "-i", probe]);
  unlinkSync(probe);
  return ok;
})();

describe("sqlite history: write failures never throw", () => {
  test.skipIf(!chattrWorks)("read-only database directory: health not ok, no throw, recovers, rows kept", async () => {
    const dir = mkdtempSync(join(root, "ro-"));
    const path = join(dir, "history.db");
    const logger = createMemoryLogger();
    const kinds: string[] = [];
    const store = createSqliteHistoryStore({
      path,
      retentionMs: 3600_000,
      clock: new ManualClock(T0),
      logger,
      pruneIntervalMs: 0,
      onWriteError: (k) => kinds.push(k),
    });
    await store.appendSamples([sample({ ts: T0 })]);
    const locked = [path, `${path}-wal`, dir];
    try {
      expect(sh(["chattr", "+i", ...locked]).ok).toBe(true);
      await store.appendSamples([sample({ ts: T0 + 1 })]);
      await store.appendSamples([sample({ ts: T0 + 2 })]);
      await store.appendEvents([event({ timestamp: T0 + 3 })]);
      const health = store.health();
      expect(health.ok).toBe(false);
      expect(health.error).toContain(`at ${path}: `);
      expect(health.error).toContain(dir);
      expect(kinds.length).toBe(3);
      expect(store.writeErrors()).toBe(3);
      // One log line per kind of error, not one per write.
      expect(logger.lines.filter((l) => l.includes("history write failed")).length).toBe(1);
    } finally {
      sh(["chattr", "-i", ...locked]);
    }
    await store.appendSamples([sample({ ts: T0 + 4 })]);
    expect(store.health()).toEqual({ ok: true });
    expect(logger.lines.some((l) => l.includes("history writes recovered"))).toBe(true);
    expect((await store.querySamples({})).map((s) => s.ts - T0)).toEqual([0, 1, 2, 4]);
    expect((await store.queryEvents({})).length).toBe(1);
    expect(store.droppedRows()).toBe(0);
    await store.close();
  });

  test.skipIf(!chattrWorks)("a backlog larger than one chunk drains in chunks after recovery, nothing lost", async () => {
    const dir = mkdtempSync(join(root, "backlog-"));
    const path = join(dir, "history.db");
    let turns = 0;
    const store = createSqliteHistoryStore({
      path,
      retentionMs: 3600_000,
      clock: new ManualClock(T0),
      logger: createMemoryLogger(),
      pruneIntervalMs: 0,
      yieldToEventLoop: () => new Promise((resolve) => setImmediate(() => resolve(void turns++))),
    });
    await store.appendSamples([sample({ ts: T0 })]);
    const locked = [path, `${path}-wal`, dir];
    try {
      expect(sh(["chattr", "+i", ...locked]).ok).toBe(true);
      for (let i = 0; i < 12; i++) {
        await store.appendSamples(Array.from({ length: 1000 }, (_, j) => sample({ ts: T0 + 1 + i * 1000 + j })));
      }
      expect(store.health().ok).toBe(false);
    } finally {
      sh(["chattr", "-i", ...locked]);
    }
    await store.appendSamples([sample({ ts: T0 + 50_000 })]);
    const deadline = performance.now() + 5000;
    while ((await store.querySamples({ limit: 1e6 })).length < 12_002) {
      if (performance.now() > deadline) throw new Error("backlog not drained within 5 s");
      await new Promise((r) => setImmediate(r));
    }
    expect(turns).toBeGreaterThanOrEqual(2);
    expect(store.droppedRows()).toBe(0);
    expect(store.health()).toEqual({ ok: true });
    await store.close();
  });

  test.skipIf(!chattrWorks)("a read-only directory at start is a clear open error", () => {
    const dir = mkdtempSync(join(root, "ro-open-"));
    const path = join(dir, "history.db");
    try {
      sh(["chattr", "+i", dir]);
      let caught: unknown;
      try {
        createSqliteHistoryStore({ path, retentionMs: 1, clock: new ManualClock(T0), logger: createMemoryLogger() });
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(SatelliteError);
      expect((caught as SatelliteError).code).toBe("HISTORY_DIR_UNWRITABLE");
      expect((caught as SatelliteError).message).toContain(path);
    } finally {
      sh(["chattr", "-i", dir]);
    }
  });

  test.skipIf(!isRoot)("disk full: health names the path and says to free space; recovers", async () => {
    const dir = join(root, "small");
    sh(["mkdir", "-p", dir]);
    expect(sh(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", dir]).ok).toBe(true);
    try {
      const path = join(dir, "history.db");
      const store = createSqliteHistoryStore({
        path,
        retentionMs: 3600_000,
        clock: new ManualClock(T0),
        logger: createMemoryLogger(),
        pruneIntervalMs: 0,
        pendingRowsMax: 10,
      });
      await store.appendSamples([sample({ ts: T0 })]);
      const filler = join(dir, "filler");
      sh(["sh", "-c", `dd if=/dev/zero of=${filler} bs=64k 2>/dev/null; true`]);
      const big = Array.from({ length: 200 }, (_, i) => sample({ ts: T0 + 1 + i, error: "e".repeat(2000) }));
      await store.appendSamples(big);
      const health = store.health();
      expect(health.ok).toBe(false);
      expect(health.error).toContain(path);
      expect(health.error).toContain("free space");
      // Only the newest `pendingRowsMax` rows are kept for retry; the rest are counted.
      expect(store.droppedRows()).toBe(190);
      unlinkSync(filler);
      await store.appendSamples([sample({ ts: T0 + 1000 })]);
      expect(store.health()).toEqual({ ok: true });
      expect((await store.querySamples({})).length).toBe(12);
      await store.close();
    } finally {
      sh(["umount", dir]);
    }
  });
});
