import { describe, expect, test } from "bun:test";
import type { CollectorKind } from "../../src/collectors/collector.ts";
import { CollectorManager, SECOND_SAMPLE_DELAY_MS } from "../../src/collectors/collector-manager.ts";
import { VALUES_PER_COLLECTOR_MAX } from "../../src/collectors/collected-values.ts";
import { ManualClock } from "../../src/platform/manual-clock.ts";
import { silentLogger } from "../../src/platform/logger.ts";
import { recordedHost } from "./_recorded-host.ts";

/** A collector kind that counts its instances and collections and reports the sample's monotonic time. */
function countingKind(name: string, intervalMs: number, behaviour: { fail?: () => boolean; leaves?: number } = {}) {
  const counts = { instances: 0, collections: 0 };
  const kind: CollectorKind = {
    name,
    description: `${name} for tests`,
    intervalMs,
    shape: { atMs: "number", sample: "number" },
    create() {
      counts.instances++;
      let sample = 0;
      return {
        async collect(_host, at) {
          counts.collections++;
          if (behaviour.fail?.()) throw new Error(`${name} cannot read /proc/test`);
          sample++;
          if (behaviour.leaves) return Object.fromEntries(Array.from({ length: behaviour.leaves }, (_, i) => [`v${i}`, i]));
          return { atMs: at.monotonicMs, sample };
        },
      };
    },
  };
  return { kind, counts };
}

function setup(kinds: CollectorKind[]) {
  const clock = new ManualClock();
  const manager = new CollectorManager({ host: recordedHost({}), clock, logger: silentLogger, kinds });
  return { clock, manager };
}

describe("collector manager", () => {
  test("lazy: nothing is collected and no timer runs until something uses a collector", async () => {
    const cpu = countingKind("cpu", 10_000);
    const { clock, manager } = setup([cpu.kind]);
    await clock.advance(60_000);
    expect(cpu.counts).toEqual({ instances: 0, collections: 0 });
    expect(clock.pendingTimers()).toBe(0);
    expect(manager.list()).toEqual([{ name: "cpu", description: "cpu for tests", intervalMs: 10_000, active: false, samples: 0, valueCount: 0 }]);
  });

  test("use collects once before it resolves, takes the second sample soon (rates need two), then one per interval", async () => {
    const cpu = countingKind("cpu", 10_000);
    const { clock, manager } = setup([cpu.kind]);
    await manager.use(["cpu"], 60_000);
    expect(manager.snapshot("cpu")).toMatchObject({ active: true, samples: 1, values: { atMs: 0, sample: 1 }, valueCount: 2 });
    await clock.advance(SECOND_SAMPLE_DELAY_MS);
    expect(manager.snapshot("cpu")?.values).toEqual({ atMs: SECOND_SAMPLE_DELAY_MS, sample: 2 });
    await clock.advance(10_000);
    expect(manager.snapshot("cpu")?.values).toEqual({ atMs: SECOND_SAMPLE_DELAY_MS + 10_000, sample: 3 });
    // Using it again while it runs starts nothing new.
    await manager.use(["cpu"], 60_000);
    expect(cpu.counts.instances).toBe(1);
    expect(cpu.counts.collections).toBe(3);
  });

  test("each collector on its own interval; an unknown name is ignored", async () => {
    const fast = countingKind("fast", 5_000);
    const slow = countingKind("slow", 30_000);
    const { clock, manager } = setup([fast.kind, slow.kind]);
    await manager.use(["fast", "slow", "nope"], 120_000);
    await clock.advance(SECOND_SAMPLE_DELAY_MS + 60_000);
    expect(fast.counts.collections).toBe(2 + 12);
    expect(slow.counts.collections).toBe(2 + 2);
  });

  test("when the lease ends the collector stops and forgets its previous sample; the next use starts afresh", async () => {
    const cpu = countingKind("cpu", 10_000);
    const { clock, manager } = setup([cpu.kind]);
    await manager.use(["cpu"], 25_000);
    await clock.advance(120_000);
    const collections = cpu.counts.collections;
    expect(collections).toBe(4); // at 0, 1 s, 11 s, 21 s; the timer at 31 s finds the lease over
    expect(manager.snapshot("cpu")?.active).toBe(false);
    expect(clock.pendingTimers()).toBe(0);
    await manager.use(["cpu"], 25_000);
    expect(cpu.counts.instances).toBe(2);
    expect(manager.snapshot("cpu")).toMatchObject({ active: true, samples: 1, values: { sample: 1 } });
  });

  test("a renewed lease keeps it collecting", async () => {
    const cpu = countingKind("cpu", 10_000);
    const { clock, manager } = setup([cpu.kind]);
    await manager.use(["cpu"], 25_000);
    for (let i = 0; i < 10; i++) {
      await clock.advance(10_000);
      await manager.use(["cpu"], 25_000);
    }
    expect(cpu.counts.instances).toBe(1);
    expect(manager.snapshot("cpu")?.active).toBe(true);
  });

  test("a failing collection is reported with its error, its values cleared, and collection goes on", async () => {
    let failing = false;
    const cpu = countingKind("cpu", 10_000, { fail: () => failing });
    const { clock, manager } = setup([cpu.kind]);
    await manager.use(["cpu"], 60_000);
    expect(manager.snapshot("cpu")?.valueCount).toBe(2);
    failing = true;
    await clock.advance(SECOND_SAMPLE_DELAY_MS);
    // Stale values would be read as current: they go with the error.
    expect(manager.snapshot("cpu")).toMatchObject({ error: "cpu cannot read /proc/test", values: {}, valueCount: 0 });
    failing = false;
    await clock.advance(10_000);
    expect(manager.snapshot("cpu")?.error).toBeUndefined();
    expect(manager.snapshot("cpu")?.valueCount).toBe(2);
  });

  test("values per collector are bounded, and the cut is counted", async () => {
    const many = countingKind("many", 10_000, { leaves: VALUES_PER_COLLECTOR_MAX + 10 });
    const { manager } = setup([many.kind]);
    await manager.use(["many"], 60_000);
    expect(manager.snapshot("many")).toMatchObject({ valueCount: VALUES_PER_COLLECTOR_MAX, valuesCut: 10 });
  });

  test("stop cancels every timer", async () => {
    const cpu = countingKind("cpu", 10_000);
    const { clock, manager } = setup([cpu.kind]);
    await manager.use(["cpu"], 60_000);
    manager.stop();
    expect(clock.pendingTimers()).toBe(0);
    await clock.advance(60_000);
    expect(cpu.counts.collections).toBe(1);
  });
});
