// Child process for the kill -9 test: appends batches forever and prints the last id of each
// batch once `appendSamples` has resolved (= acknowledged). Usage: bun crash-writer.ts <db>
import { systemClock } from "../../src/platform/clock.ts";
import { silentLogger } from "../../src/platform/logger.ts";
import { createSqliteHistoryStore } from "../../src/store/sqlite/sqlite-history-store.ts";
import type { ProbeSample } from "../../src/store/history-store.ts";

const path = process.argv[2];
if (!path) throw new Error("usage: crash-writer.ts <database path>");
const store = createSqliteHistoryStore({ path, retentionMs: 1e12, clock: systemClock, logger: silentLogger, pruneIntervalMs: 0 });
const batchSize = 50;
let id = 0;
for (;;) {
  const batch: ProbeSample[] = [];
  for (let i = 0; i < batchSize; i++) {
    batch.push({ ts: id, node: `n${id % 7}`, checker: `c${id % 13}`, status: id % 5 === 0 ? "failed" : "running", durationMs: id % 100 });
    id++;
  }
  await store.appendSamples(batch);
  if (!store.health().ok) throw new Error(store.health().error);
  process.stdout.write(`ack ${id - 1}\n`);
}
