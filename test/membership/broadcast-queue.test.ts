import { describe, expect, test } from "bun:test";
import { BroadcastQueue, retransmitLimit } from "../../src/membership/broadcast-queue.ts";

describe("retransmitLimit", () => {
  test.each([
    [4, 0, 0],
    [4, 1, 4],
    [4, 9, 4],
    [4, 10, 8],
    [4, 99, 8],
    [4, 100, 12],
    [2, 1000, 8],
  ])("mult %d with %d nodes gives %d", (mult, n, limit) => {
    expect(retransmitLimit(mult, n)).toBe(limit);
  });
});

describe("BroadcastQueue", () => {
  const queue = (n = 5, maxQueued = 100) => new BroadcastQueue<string>({ retransmitMult: 2, numNodes: () => n, maxQueued });

  test("sends each item retransmitLimit times, then calls onDone once", () => {
    const q = queue(5);
    let done = 0;
    q.enqueue("a", 10, undefined, () => done++);
    expect(q.take(2, 100).items).toEqual(["a"]);
    expect(done).toBe(0);
    expect(q.take(2, 100).items).toEqual(["a"]);
    expect(done).toBe(1);
    expect(q.take(2, 100).items).toEqual([]);
    expect(q.length()).toBe(0);
  });

  test("least-transmitted first, newest first among equals", () => {
    const q = queue(1000);
    q.enqueue("old", 10);
    q.take(0, 10);
    q.enqueue("new1", 10);
    q.enqueue("new2", 10);
    expect(q.take(0, 25).items).toEqual(["new2", "new1"]);
    expect(q.take(0, 30).items).toEqual(["new2", "new1", "old"]);
  });

  test("fills up to the byte limit counting per-item overhead, skipping items that do not fit", () => {
    const q = queue(1000);
    q.enqueue("small", 10);
    q.enqueue("big", 100);
    q.enqueue("mid", 40);
    const { items, usedBytes } = q.take(2, 60);
    expect(items).toEqual(["mid", "small"]);
    expect(usedBytes).toBe(54);
  });

  test("a newer item with the same key replaces the queued one", () => {
    const q = queue();
    const finished: string[] = [];
    q.enqueue("suspect n1", 10, "n1", () => finished.push("suspect"));
    q.enqueue("alive n2", 10, "n2");
    q.enqueue("alive n1", 10, "n1");
    expect(finished).toEqual(["suspect"]);
    expect(q.take(0, 100).items.sort()).toEqual(["alive n1", "alive n2"]);
    expect(q.has("n1")).toBe(true);
  });

  test("prunes the most-transmitted items beyond maxQueued", () => {
    const q = queue(1000, 2);
    q.enqueue("a", 10);
    q.take(0, 10);
    q.enqueue("b", 10);
    q.enqueue("c", 10);
    expect(q.length()).toBe(2);
    expect(q.take(0, 100).items.sort()).toEqual(["b", "c"]);
  });

  test("an urgent item (a refutation) goes before fresher items on every transmit, and is pruned last", () => {
    const q = queue(1000, 3);
    q.enqueue("refute", 10, "n1", undefined, true);
    expect(q.take(0, 10).items).toEqual(["refute"]);
    // A join burst's flood: fresh items keep coming with fewer transmits than the refutation.
    q.enqueue("join-a", 10, "a");
    q.enqueue("join-b", 10, "b");
    expect(q.take(0, 10).items).toEqual(["refute"]);
    expect(q.take(0, 20).items).toEqual(["refute", "join-b"]);
    q.enqueue("join-c", 10, "c");
    q.enqueue("join-d", 10, "d");
    expect(q.length()).toBe(3);
    expect(q.take(0, 10).items).toEqual(["refute"]);
  });
});
