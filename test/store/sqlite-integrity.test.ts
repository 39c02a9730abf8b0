import { Database } from "bun:sqlite";
import { afterAll, describe, expect, test } from "bun:test";
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createMemoryLogger } from "../../src/platform/logger.ts";
import { ManualClock } from "../../src/platform/manual-clock.ts";
import { INLINE_CHECK_BYTES_MAX, quickCheckBySize, quickCheckInline, quickCheckInWorker, type IntegrityCheck, type IntegrityResult } from "../../src/store/sqlite/integrity-check.ts";
import { createSqliteHistoryStore } from "../../src/store/sqlite/sqlite-history-store.ts";
import { sample } from "./history-store.contract.ts";

const root = mkdtempSync(join(tmpdir(), "satellite-sqlite-integrity-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const T0 = Date.UTC(2026, 0, 1);

function open(path: string, integrityCheck?: IntegrityCheck) {
  const logger = createMemoryLogger();
  const store = createSqliteHistoryStore({ path, retentionMs: 86_400_000, clock: new ManualClock(T0), logger, pruneIntervalMs: 0, integrityCheck });
  return { store, logger };
}

/** A history with enough samples to span many pages, checkpointed into the main file. */
async function historyWithManySamples(path: string): Promise<void> {
  const { store } = open(path);
  const samples = Array.from({ length: 20_000 }, (_, i) => sample({ ts: T0 + i * 1000, checker: `c${i % 10}`, error: `error text ${i}` }));
  await store.appendSamples(samples);
  await store.close();
  const db = new Database(path);
  db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
  db.close();
}

/** Overwrites pages in the middle of the samples table with garbage, leaving the schema and the small tables intact. */
function scribbleOverSamplePages(path: string): number[] {
  const db = new Database(path, { readonly: true });
  const pageSize = (db.query("PRAGMA page_size").get() as { page_size: number }).page_size;
  const pages = (db.query("SELECT pageno FROM dbstat WHERE name = 'samples' ORDER BY pageno").all() as { pageno: number }[]).map((r) => r.pageno);
  db.close();
  const middle = pages.slice(Math.floor(pages.length / 2), Math.floor(pages.length / 2) + 3);
  const fd = openSync(path, "r+");
  for (const page of middle) writeSync(fd, Buffer.alloc(pageSize, 0xa5), 0, pageSize, (page - 1) * pageSize);
  closeSync(fd);
  return middle;
}

describe("integrity check at open", () => {
  test("garbage pages in the middle: the store opens, then health says damaged and exactly what to do", async () => {
    const path = join(root, "damaged", "history.db");
    Bun.spawnSync(["mkdir", "-p", join(root, "damaged")]);
    await historyWithManySamples(path);
    expect(scribbleOverSamplePages(path).length).toBe(3);

    const { store, logger } = open(path);
    const result = await store.integrity();
    expect(result.kind).toBe("damaged");
    const health = store.health();
    expect(health.ok).toBe(false);
    expect(health.error).toContain(`history database ${path} is damaged (integrity check: `);
    expect(health.error).toContain(`mv ${path}* ${join(root, "damaged")}/damaged/`);
    expect(health.error).toContain("start satellite again: it creates a new, empty history.db");
    expect(logger.lines.filter((l) => l.includes("ERROR history database damaged"))).toHaveLength(1);
    await store.close();
  });

  test("a sound database checks ok and stays healthy", async () => {
    const path = join(root, "sound.db");
    await historyWithManySamples(path);
    const { store, logger } = open(path);
    expect(await store.integrity()).toEqual({ kind: "ok" });
    expect(store.health()).toEqual({ ok: true });
    expect(logger.lines.join("\n")).not.toContain("damaged");
    await store.close();
  });

  test("the check does not hold up the start: the store serves while it runs", async () => {
    let finish: (r: IntegrityResult) => void = () => {};
    const pending = Object.assign(new Promise<IntegrityResult>((resolve) => (finish = resolve)), { cancel: () => finish({ kind: "unchecked", reason: "cancelled" }) });
    const { store } = open(join(root, "slow-check.db"), () => pending);
    await store.appendSamples([sample({ ts: T0 })]);
    expect(await store.querySamples({})).toHaveLength(1);
    expect(store.health()).toEqual({ ok: true });
    finish({ kind: "damaged", problems: ["*** in database main ***", "Page 7: btreeInitPage() returns error code 11"] });
    await store.integrity();
    expect(store.health().ok).toBe(false);
    expect(store.health().error).toContain("Page 7: btreeInitPage() returns error code 11");
    await store.close();
  });
});

describe("where the check runs", () => {
  const settled = (r: IntegrityResult) => Object.assign(Promise.resolve(r), { cancel: () => {} });
  const choose = (bytes: number) => {
    const ran: string[] = [];
    const check = quickCheckBySize(() => bytes, INLINE_CHECK_BYTES_MAX, () => (ran.push("inline"), settled({ kind: "ok" })), () => (ran.push("worker"), settled({ kind: "ok" })));
    return { check, ran };
  };

  test("a small file (a new agent) is checked on the calling thread; a larger one in a worker thread", async () => {
    for (const [bytes, where] of [[0, "inline"], [INLINE_CHECK_BYTES_MAX, "inline"], [INLINE_CHECK_BYTES_MAX + 1, "worker"], [50 * INLINE_CHECK_BYTES_MAX, "worker"]] as const) {
      const { check, ran } = choose(bytes);
      await check("history.db");
      expect({ bytes, ran }).toEqual({ bytes, ran: [where] });
    }
  });

  test("the default counts the WAL: a small database with a large WAL goes to the worker thread", async () => {
    const path = join(root, "wal-heavy.db");
    const db = new Database(path);
    db.exec("PRAGMA journal_mode = WAL; PRAGMA wal_autocheckpoint = 0; CREATE TABLE t (x BLOB)");
    db.query("INSERT INTO t VALUES (?)").run(Buffer.alloc(INLINE_CHECK_BYTES_MAX + 4096));
    const ran: string[] = [];
    const check = quickCheckBySize(undefined, INLINE_CHECK_BYTES_MAX, () => (ran.push("inline"), settled({ kind: "ok" })), () => (ran.push("worker"), settled({ kind: "ok" })));
    await check(path);
    db.close();
    expect(ran).toEqual(["worker"]);
  });

  test("inline: a sound file is ok, garbage pages are damaged, a file that is not a database is damaged", async () => {
    const sound = join(root, "inline-sound.db");
    await historyWithManySamples(sound);
    expect(await quickCheckInline(sound)).toEqual({ kind: "ok" });

    Bun.spawnSync(["mkdir", "-p", join(root, "inline-damaged")]);
    const damaged = join(root, "inline-damaged", "history.db");
    await historyWithManySamples(damaged);
    scribbleOverSamplePages(damaged);
    const verdict = await quickCheckInline(damaged);
    expect(verdict.kind).toBe("damaged");
    // The same verdict, word for word, as the worker thread gives.
    expect(verdict).toEqual(await quickCheckInWorker(damaged));

    const text = join(root, "not-a-database.db");
    await Bun.write(text, "this is not SQLite\n".repeat(200));
    expect((await quickCheckInline(text)).kind).toBe("damaged");
  });
});
