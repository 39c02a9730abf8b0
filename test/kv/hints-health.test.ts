import { afterEach, expect, test } from "bun:test";
import { HINT_LIMITS, HintQueue } from "../../src/kv/hinted-handoff.ts";
import { createMemoryReplicaStore } from "../../src/kv/memory-replica-store.ts";
import type { KvReplicaStore } from "../../src/kv/replica-store.ts";
import { ManualClock } from "../../src/platform/manual-clock.ts";
import { KvTestCluster } from "./kv-test-cluster.ts";

const rec = (key: string, ms: number) => ({ key, value: new Uint8Array([1]), version: { ms, counter: 0, node: "n" } });

test("hints: one per replica and key (the newest), at most hintsMax, the rest dropped and counted", () => {
  const hints = new HintQueue();
  hints.add("b", rec("k", 2));
  hints.add("b", rec("k", 1));
  hints.add("b", rec("k", 3));
  expect(hints.size()).toBe(1);
  expect(hints.take("b").map((r) => r.version.ms)).toEqual([3]);
  for (let i = 0; i < HINT_LIMITS.hintsMax + 5; i++) hints.add("c", rec(`k${i}`, 1));
  expect(hints.size()).toBe(HINT_LIMITS.hintsMax);
  expect(hints.dropped).toBe(6);
  // A delivery removes only what it carried, not a newer hint that came meanwhile.
  const batch = hints.take("b");
  hints.add("b", rec("k", 4));
  hints.delivered("b", batch);
  expect(hints.take("b").map((r) => r.version.ms)).toEqual([4]);
  hints.forget("c");
  expect(hints.targets()).toEqual(["b"]);
});

let cluster: KvTestCluster | undefined;
afterEach(() => cluster?.close());

test("a replica whose disk fails refuses the write, and its node shows the problem on /readyz (health)", async () => {
  cluster = new KvTestCluster(new ManualClock());
  const failing: KvReplicaStore = {
    ...createMemoryReplicaStore(),
    apply: () => {
      throw new Error("disk I/O error");
    },
  };
  cluster.add("n0", failing);
  let error: unknown;
  await cluster.kv("n0").put("k", new Uint8Array([1])).catch((e: unknown) => (error = e));
  expect((error as Error).message).toMatch(/reached 0 of its 1 replicas, 1 needed: n0: disk I\/O error/);
  expect(cluster.kv("n0").health()).toEqual({ kind: "replicated", problems: ["key-value replica store: disk I/O error"] });
});
