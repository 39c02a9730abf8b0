import { afterAll, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ManualClock } from "../../src/platform/manual-clock.ts";
import { silentLogger } from "../../src/platform/logger.ts";
import { createSqliteHistoryStore } from "../../src/store/sqlite/sqlite-history-store.ts";

const root = mkdtempSync(join(tmpdir(), "satellite-crash-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

test("kill -9 mid-write: integrity ok and every acknowledged sample is present", async () => {
  const path = join(root, "history.db");
  const child = Bun.spawn([process.execPath, join(import.meta.dir, "crash-writer.ts"), path], {
    stdout: "pipe",
    stderr: "pipe",
  });
  let lastAck = -1;
  try {
    const reader = child.stdout.getReader();
    const decoder = new TextDecoder();
    let buffered = "";
    const deadline = performance.now() + 20_000;
    // Enough acknowledged batches that the kill lands in the middle of steady writing.
    while (lastAck < 60_000) {
      if (performance.now() > deadline) throw new Error(`writer acknowledged only up to ${lastAck} in 20 s`);
      const { value, done } = await reader.read();
      if (done) throw new Error(`writer exited early: ${await new Response(child.stderr).text()}`);
      buffered += decoder.decode(value, { stream: true });
      const lines = buffered.split("\n");
      buffered = lines.pop() ?? "";
      for (const line of lines) {
        const m = /^ack (\d+)$/.exec(line);
        if (m) lastAck = Number(m[1]);
      }
    }
    child.kill(9);
    reader.releaseLock();
  } finally {
    child.kill(9);
    await child.exited;
  }
  expect(child.signalCode).toBe("SIGKILL");

  const db = new Database(path);
  try {
    expect(db.query("PRAGMA integrity_check").get()).toEqual({ integrity_check: "ok" });
    const acked = db.query("SELECT COUNT(*) AS n, MIN(ts) AS lo, MAX(ts) AS hi FROM samples WHERE ts <= ?").get(lastAck);
    expect(acked).toEqual({ n: lastAck + 1, lo: 0, hi: lastAck });
    // Aggregates commit with their samples, so they agree even after the kill.
    const total = db.query("SELECT COUNT(*) AS n FROM samples").get() as { n: number };
    const aggregated = db.query("SELECT SUM(count) AS n FROM samples_1m").get() as { n: number };
    expect(aggregated.n).toBe(total.n);
  } finally {
    db.close();
  }
  // And the store itself opens the crashed file and keeps appending.
  const store = createSqliteHistoryStore({ path, retentionMs: 1e12, clock: new ManualClock(0), logger: silentLogger, pruneIntervalMs: 0 });
  expect((await store.querySamples({ node: "n0", checker: "c0", untilMs: lastAck + 1, limit: 1e6 })).length).toBe(
    Math.floor(lastAck / 91) + 1,
  );
  await store.appendSamples([{ ts: lastAck + 1_000_000, node: "after", checker: "crash", status: "running", durationMs: 1 }]);
  expect(store.health()).toEqual({ ok: true });
  await store.close();
});
