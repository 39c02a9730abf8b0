import { describe, expect, test } from "bun:test";
import { SnapshotWriter, type KnownPeer, type MemberSnapshotStore } from "../../src/cluster/serf-snapshot.ts";
import { createMemoryLogger } from "../../src/platform/logger.ts";
import { ManualClock } from "../../src/platform/manual-clock.ts";

describe("SnapshotWriter", () => {
  const peer = (name: string): KnownPeer => ({ name, addr: "10.0.0.1", port: 7946 });

  test("coalesces changes into one save after the delay, and flushes a pending one", async () => {
    const clock = new ManualClock();
    const saved: string[][] = [];
    const store: MemberSnapshotStore = { load: async () => [], save: async (p) => void saved.push(p.map((x) => x.name)) };
    let current = [peer("a")];
    const writer = new SnapshotWriter(store, clock, createMemoryLogger(), 1000, () => current);
    writer.changed();
    current = [peer("a"), peer("b")];
    writer.changed();
    await clock.advance(1000);
    expect(saved).toEqual([["a", "b"]]);
    current = [peer("c")];
    writer.changed();
    await writer.flush();
    await clock.advance(5000);
    expect(saved).toEqual([["a", "b"], ["c"]]);
  });

  test("a failed save is logged and the next change saves again", async () => {
    const clock = new ManualClock();
    const logger = createMemoryLogger();
    let fail = true;
    const saved: number[] = [];
    const store: MemberSnapshotStore = {
      load: async () => [],
      save: async (p) => {
        if (fail) throw new Error("disk full");
        saved.push(p.length);
      },
    };
    const writer = new SnapshotWriter(store, clock, logger, 100, () => [peer("a")]);
    writer.changed();
    await clock.advance(100);
    expect(logger.lines.some((l) => l.includes("could not save the member snapshot") && l.includes("disk full"))).toBe(true);
    fail = false;
    writer.changed();
    await clock.advance(100);
    expect(saved).toEqual([1]);
  });
});
