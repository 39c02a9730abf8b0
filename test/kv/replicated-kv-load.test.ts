import { describe, expect, test } from "bun:test";
import { createMemoryReplicaStore } from "../../src/kv/memory-replica-store.ts";
import { createReplicatedKv, DEFAULT_REPLICATED_KV_OPTIONS, type ReplicatedKv } from "../../src/kv/replicated-kv.ts";
import { createMemoryLogger } from "../../src/platform/logger.ts";
import { ManualClock } from "../../src/platform/manual-clock.ts";
import { createSeededRandom } from "../../src/platform/random.ts";
import { SATELLITE_TAGS } from "./kv-test-cluster.ts";

/** What a replica's gossip port admits from one IP that is not known to gossip (membership/stream-admission.ts). */
const STREAMS_PER_IP_MAX = 8;

/**
 * Five replicated stores whose requests travel over a modelled gossip port: each request is a
 * stream that stays open until the test delivers it, and a replica closes a stream at once when
 * the sender's IP already has STREAMS_PER_IP_MAX open to it, as the real port does.
 */
function loadCluster() {
  const clock = new ManualClock(Date.UTC(2026, 11, 1));
  const names = ["n0", "n1", "n2", "n3", "n4"];
  const ipOf = (name: string) => `10.9.0.${names.indexOf(name) + 1}`;
  const members = () => names.map((name) => ({ name, addr: ipOf(name), port: 7946, tags: SATELLITE_TAGS, status: "alive" as const }));
  const nodes = new Map<string, ReplicatedKv>();
  const open = new Map<string, number>();
  const stats = { refused: 0, peakOpen: 0 };
  let pending: (() => Promise<void>)[] = [];
  for (const name of names) {
    const kv = createReplicatedKv(
      {
        name,
        clock,
        random: createSeededRandom(names.indexOf(name) + 1),
        logger: createMemoryLogger(),
        store: createMemoryReplicaStore(),
        members,
        request: (to, payload) => {
          const stream = `${ipOf(name)}->${to.ip}`;
          const now = open.get(stream) ?? 0;
          if (now >= STREAMS_PER_IP_MAX) {
            stats.refused++;
            return Promise.reject(new Error("connection closed unexpectedly"));
          }
          open.set(stream, now + 1);
          stats.peakOpen = Math.max(stats.peakOpen, now + 1);
          const target = nodes.get(names.find((n) => ipOf(n) === to.ip) as string) as ReplicatedKv;
          return new Promise((resolve) => {
            pending.push(async () => {
              const reply = await target.onRequest(payload, { ip: ipOf(name), port: 7946 });
              open.set(stream, (open.get(stream) ?? 1) - 1);
              resolve(reply);
            });
          });
        },
      },
      DEFAULT_REPLICATED_KV_OPTIONS,
    );
    nodes.set(name, kv);
  }
  /** Delivers every open stream, and those the deliveries open, until none is left. */
  const deliverAll = async () => {
    while (pending.length > 0) {
      const batch = pending;
      pending = [];
      await Promise.all(batch.map((deliver) => deliver()));
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
  };
  return { kv: (name: string) => nodes.get(name) as ReplicatedKv, stats, deliverAll, close: async () => Promise.all([...nodes.values()].map((kv) => kv.close())) };
}

describe("replicated store under concurrent load", () => {
  test("64 concurrent writes and then 64 reads through one node all succeed; no replica sees more streams from it than it admits", async () => {
    const cluster = loadCluster();
    const value = new TextEncoder().encode("v");
    const writes = Array.from({ length: 64 }, (_, i) => cluster.kv("n0").put(`load/${i}`, value).then(() => "ok", (e: unknown) => String(e)));
    await cluster.deliverAll();
    expect(await Promise.all(writes)).toEqual(writes.map(() => "ok"));
    const reads = Array.from({ length: 64 }, (_, i) => cluster.kv("n0").get(`load/${i}`).then((e) => (e ? "found" : "missing"), (e: unknown) => String(e)));
    await cluster.deliverAll();
    expect(await Promise.all(reads)).toEqual(reads.map(() => "found"));
    expect(cluster.stats.refused).toBe(0);
    expect(cluster.stats.peakOpen).toBeLessThanOrEqual(STREAMS_PER_IP_MAX);
    await cluster.close();
  });
});
