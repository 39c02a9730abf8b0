import { describe, expect, test } from "bun:test";
import { recordHistory } from "../../src/agent/history-recorder.ts";
import { createEventStream } from "../../src/events/event-stream.ts";
import { createMemoryLogger } from "../../src/platform/logger.ts";
import { ManualClock } from "../../src/platform/manual-clock.ts";
import { createMemoryHistoryStore } from "../../src/store/memory-history-store.ts";

const clock = new ManualClock(1_700_000_000_000);

async function timeline(store: ReturnType<typeof createMemoryHistoryStore>): Promise<string[]> {
  await Promise.resolve();
  return (await store.queryEvents({})).map((e) => `${e.type} ${e.node}`).reverse();
}

describe("recording the stream into a history opened late", () => {
  test("the events published before the store opened are written first, in order, then the live ones", async () => {
    const logger = createMemoryLogger();
    const events = createEventStream({ clock, logger });
    events.publish({ type: "NodeAdded", node: "a" });
    events.publish({ type: "NodeAdded", node: "b" });
    const store = createMemoryHistoryStore({ retentionMs: 86_400_000 });
    const stop = recordHistory(events, store, logger, 0);
    events.publish({ type: "NodeRemoved", node: "b" });
    expect(await timeline(store)).toEqual(["NodeAdded a", "NodeAdded b", "NodeRemoved b"]);
    stop();
  });

  test("more events before it opened than the stream retains: the gap is logged, not passed over in silence", async () => {
    const logger = createMemoryLogger();
    const events = createEventStream({ clock, logger, retainedMax: 2 });
    for (const node of ["a", "b", "c"]) events.publish({ type: "NodeAdded", node });
    const store = createMemoryHistoryStore({ retentionMs: 86_400_000 });
    recordHistory(events, store, logger, 0)();
    expect(logger.lines.some((l) => l.includes("the history misses events published before it opened"))).toBe(true);
  });
});
