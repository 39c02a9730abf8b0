import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import StatsD from "hot-shots";
import { startIntake, type RunningIntake } from "../../src/intake/intake-server.ts";
import { createMetrics } from "../../src/metrics/index.ts";
import { bunListeningSockets } from "../../src/platform/bun-sockets.ts";
import { createMemoryLogger } from "../../src/platform/logger.ts";
import { ManualClock } from "../../src/platform/manual-clock.ts";
import { createSeededRandom } from "../../src/platform/random.ts";
import { createMemoryHistoryStore } from "../../src/store/memory-history-store.ts";
import { waitFor } from "../support/processes.ts";

/**
 * statsd and graphite intake on real sockets, fed by real clients: npm's hot-shots (which
 * batches several metrics into one datagram, newline-separated) and netcat-openbsd's `nc`
 * for raw statsd and graphite lines over UDP and TCP. Flushes run on a manual clock.
 */
const HAS_NC = Bun.which("nc") !== null;
const FLUSH_MS = 10_000;

const clock = new ManualClock();
const metrics = createMetrics();
const history = createMemoryHistoryStore({ retentionMs: 86_400_000 });
let intake: RunningIntake;

beforeAll(async () => {
  intake = await startIntake({
    statsd: { host: "127.0.0.1", port: 0 },
    graphite: { host: "127.0.0.1", port: 0 },
    nodeName: "n1",
    flushIntervalMs: FLUSH_MS,
    metricsMax: 100,
    clock,
    random: createSeededRandom(3),
    logger: createMemoryLogger(),
    sockets: bunListeningSockets,
    metrics,
    history,
  });
});
afterAll(() => intake?.stop());

const lines = (protocol: string) => metrics.statsdLines.get({ protocol });
const value = (metric: string, stat: string) => metrics.statsdValue.get({ metric, stat });

/** Pipes `input` into `nc` with `args`; resolves when nc ends. */
async function nc(input: string, ...args: string[]): Promise<void> {
  const child = Bun.spawn(["nc", ...args], { stdin: new TextEncoder().encode(input), stdout: "ignore", stderr: "ignore", timeout: 10_000 });
  await child.exited;
}

describe.skipIf(!HAS_NC)("statsd and graphite clients", () => {
  test("hot-shots: counters, gauges with deltas, timers, histograms, sets and DogStatsD tags become series at the flush", async () => {
    const client = new StatsD({ host: "127.0.0.1", port: intake.statsdPort, maxBufferSize: 1400, bufferFlushInterval: 20, errorHandler: () => {} });
    for (let i = 0; i < 5; i++) client.increment("app.hits");
    client.increment("app.hits", 5);
    client.gauge("app.queue", 10);
    client.gaugeDelta("app.queue", 5);
    client.gaugeDelta("app.queue", -3);
    for (let ms = 1; ms <= 100; ms++) client.timing("app.db", ms);
    client.histogram("app.size", 3);
    for (const user of ["alice", "bob", "alice"]) client.set("app.users", user);
    client.increment("app.tagged", 1, ["env:prod", "az:a"]);
    await new Promise<void>((resolve) => client.close(() => resolve()));
    await waitFor(() => lines("statsd") === 114, 5000, "hot-shots' 114 lines to arrive");

    await clock.advance(FLUSH_MS);
    expect([value("app.hits", "count"), value("app.hits", "rate")]).toEqual([10, 1]);
    expect(value("app.queue", "value")).toBe(12);
    expect([value("app.db", "count"), value("app.db", "mean"), value("app.db", "upper"), value("app.db", "p90"), value("app.db", "p99")]).toEqual([100, 50.5, 100, 90, 99]);
    expect(value("app.size", "count")).toBe(1);
    expect(value("app.users", "count")).toBe(2);
    expect(value("app.tagged", "count")).toBe(1);
    const exposition = metrics.render();
    expect(exposition).toContain('satellite_statsd_value{metric="app.db",stat="p99"} 99');
    expect(exposition).toContain("satellite_statsd_metrics 6");

    const series = await history.queryMetricSeries({ metric: "statsd.app.db.p90", node: "n1", sinceMs: 0, stepMs: 60_000 });
    expect(series.map((p) => p.avg)).toEqual([90]);
    expect((await history.queryMetricSeries({ metric: "statsd.app.hits.count", sinceMs: 0, stepMs: 60_000 })).map((p) => p.avg)).toEqual([10]);
  });

  test("nc over UDP: several lines in one datagram, sample rates, malformed lines dropped and counted", async () => {
    const malformedBefore = metrics.statsdDropped.get({ reason: "malformed" });
    const before = lines("statsd");
    await nc("raw.hits:1|c|@0.1\nraw.hits:2|c\nthis is not statsd\nraw.lat:30|ms|@0.5\nraw.lat:10|ms\n", "-u", "-w1", "127.0.0.1", String(intake.statsdPort));
    await waitFor(() => lines("statsd") - before === 4, 5000, "four statsd lines");
    expect(metrics.statsdDropped.get({ reason: "malformed" }) - malformedBefore).toBe(1);
    await clock.advance(FLUSH_MS);
    expect(value("raw.hits", "count")).toBe(12);
    expect([value("raw.lat", "count"), value("raw.lat", "mean"), value("raw.lat", "upper")]).toEqual([3, 20, 30]);
  });

  test("graphite over TCP and UDP: path value timestamp lines become gauges in the same series", async () => {
    const now = Math.floor(clock.nowMs() / 1000);
    const before = lines("graphite");
    const malformedBefore = metrics.statsdDropped.get({ reason: "malformed" });
    await nc(`servers.web1.load 0.5 ${now - 5}\nservers.web1.load 0.75 ${now}\nbroken line\nservers.web1.disk 91 -1`, "-N", "127.0.0.1", String(intake.graphitePort));
    await nc(`servers.web1.temp 40.5 ${now}\nservers.web1.old 1 ${now - 3600}\n`, "-u", "-w1", "127.0.0.1", String(intake.graphitePort));
    await waitFor(() => lines("graphite") - before === 4, 5000, "four graphite lines");
    expect(metrics.statsdDropped.get({ reason: "malformed" }) - malformedBefore).toBe(1);
    expect(metrics.statsdDropped.get({ reason: "timestamp" })).toBe(1);
    await clock.advance(FLUSH_MS);
    expect([value("servers.web1.load", "value"), value("servers.web1.disk", "value"), value("servers.web1.temp", "value")]).toEqual([0.75, 91, 40.5]);
    const series = await history.queryMetricSeries({ metric: "statsd.servers.web1.load.value", sinceMs: 0, stepMs: 60_000 });
    expect(series.map((p) => p.max)).toEqual([0.75]);
  });

  test("the number of distinct names is capped: further names are dropped and counted, /metrics stays bounded", async () => {
    const capped = await startIntake({
      statsd: { host: "127.0.0.1", port: 0 },
      nodeName: "n1",
      flushIntervalMs: FLUSH_MS,
      metricsMax: 3,
      clock,
      random: createSeededRandom(3),
      logger: createMemoryLogger(),
      sockets: bunListeningSockets,
      metrics: { ...metrics, statsdValue: createMetrics().statsdValue },
      history,
    });
    try {
      const before = metrics.statsdDropped.get({ reason: "names_full" });
      await nc(Array.from({ length: 10 }, (_, i) => `many.m${i}:1|c`).join("\n"), "-u", "-w1", "127.0.0.1", String(capped.statsdPort));
      await waitFor(() => metrics.statsdDropped.get({ reason: "names_full" }) - before === 7, 5000, "seven names refused");
      await capped.flush();
      expect(metrics.statsdMetrics.get()).toBe(3);
    } finally {
      await capped.stop();
    }
  });
});
