import { describe, expect, test } from "bun:test";
import { startTimeSeries, PEER_HISTORY_EVERY, PEER_SAMPLE_MS, HISTORY_FLUSH_MS, peerNumbers, PEERS_MAX } from "../../src/agent/time-series.ts";
import type { ProbeOutcomeFact } from "../../src/events/agent-event.ts";
import { createEventStream } from "../../src/events/event-stream.ts";
import { createMetrics } from "../../src/metrics/index.ts";
import { createMemoryLogger } from "../../src/platform/logger.ts";
import { ManualClock } from "../../src/platform/manual-clock.ts";
import type { PeerLinkView } from "../../src/probes/checker.ts";
import type { Point } from "../../src/store/influxdb/line-protocol.ts";
import { createMemoryHistoryStore } from "../../src/store/memory-history-store.ts";

const T0 = Date.UTC(2026, 0, 1);
const M = 60_000;

function setup(peers: PeerLinkView[] = []) {
  const clock = new ManualClock(T0);
  const logger = createMemoryLogger();
  const events = createEventStream({ clock, logger });
  const history = createMemoryHistoryStore({ retentionMs: 7 * 86_400_000 });
  const metrics = createMetrics();
  const points: Point[] = [];
  const series = startTimeSeries({ nodeName: "n1", events, clock, logger, history, metrics, writePoints: (p) => void points.push(...p), peers: () => peers });
  const run = (probe: string, outcomes: ProbeOutcomeFact[], node = "n1", at = clock.nowMs()) =>
    events.publish({ type: "ProbeRun", node, probe, checkKind: "script", startedAtMs: at, durationMs: 3, lagMs: 0, status: "running", severity: "critical", outcomes });
  const query = (metric: string, extra: { node?: string; peer?: string } = {}) => history.queryMetricSeries({ metric, sinceMs: T0, untilMs: T0 + 60 * M, stepMs: M, ...extra });
  return { clock, logger, history, metrics, points, series, run, query };
}

describe("time series from check runs", () => {
  test("a run's numbers reach /metrics, InfluxDB and, at the next flush, history", async () => {
    const { clock, metrics, points, run, query } = setup();
    run("load", [{ status: "running", metrics: { load1: 0.5, load5: 0.25 } }]);
    expect(metrics.render()).toContain('satellite_check_value{node="n1",checker="load",metric="load1"} 0.5');
    expect(points).toEqual([
      { measurement: "check_metric", tags: { node: "n1", checker: "load", metric: "load1" }, fields: { value: 0.5 }, tsMs: T0 },
      { measurement: "check_metric", tags: { node: "n1", checker: "load", metric: "load5" }, fields: { value: 0.25 }, tsMs: T0 },
    ]);
    expect(await query("load.load1")).toEqual([]);
    await clock.advance(HISTORY_FLUSH_MS);
    expect(await query("load.load1", { node: "n1" })).toEqual([{ ts: T0, count: 1, min: 0.5, avg: 0.5, max: 0.5 }]);
    expect(await query("load.load5")).toEqual([{ ts: T0, count: 1, min: 0.25, avg: 0.25, max: 0.25 }]);
  });

  test("the history flush timer runs only while samples wait: none when idle, one within HISTORY_FLUSH_MS of the first sample", async () => {
    const { clock, run, query } = setup();
    // The peer sample timer is the only one an idle agent keeps.
    expect(clock.pendingTimers()).toBe(1);
    await clock.advance(3 * HISTORY_FLUSH_MS);
    expect(clock.pendingTimers()).toBe(1);
    run("load", [{ status: "running", metrics: { load1: 0.5 } }]);
    await clock.advance(1000);
    run("load", [{ status: "running", metrics: { load1: 0.7 } }]);
    expect(clock.pendingTimers()).toBe(2);
    await clock.advance(HISTORY_FLUSH_MS - 1000);
    expect(await query("load.load1")).toEqual([{ ts: T0, count: 2, min: 0.5, avg: 0.6, max: 0.7 }]);
    expect(clock.pendingTimers()).toBe(1);
  });

  test("runs of other nodes are not this node's series", async () => {
    const { series, metrics, points, run, query } = setup();
    run("load", [{ status: "running", metrics: { load1: 9 } }], "n2");
    await series.flush();
    expect(points).toEqual([]);
    expect(metrics.render()).not.toContain("satellite_check_value{");
    expect(await query("load.load1")).toEqual([]);
  });

  test("a key repeated by several outcomes of one run is one sample (the first)", async () => {
    const { series, run, query } = setup();
    run("units", [{ status: "failed", error: "a", metrics: { failed: 1 } }, { status: "failed", error: "b", metrics: { failed: 7 } }]);
    await series.flush();
    expect(await query("units.failed")).toEqual([{ ts: T0, count: 1, min: 1, avg: 1, max: 1 }]);
  });

  test("a check that names new metrics on every run keeps its first 32 series; the rest are counted and logged once", async () => {
    const { series, metrics, logger, run, query } = setup();
    for (let i = 0; i < 40; i++) run("noisy", [{ status: "running", metrics: { [`pid${i}`]: i } }]);
    await series.flush();
    expect(await query("noisy.pid31")).toHaveLength(1);
    expect(await query("noisy.pid32")).toEqual([]);
    expect(metrics.checkValuesDropped.get({ reason: "series_limit" })).toBe(8);
    expect(logger.lines.filter((l) => l.includes("check names more metrics than are kept"))).toHaveLength(1);
    // Names already kept go on being recorded.
    run("noisy", [{ status: "running", metrics: { pid0: 100 } }]);
    await series.flush();
    expect((await query("noisy.pid0"))[0]?.max).toBe(100);
  });

  test("stop writes what waits and ends the subscription", async () => {
    const { series, run, query } = setup();
    run("load", [{ status: "running", metrics: { load1: 1 } }]);
    await series.stop();
    expect(await query("load.load1")).toHaveLength(1);
    run("load", [{ status: "running", metrics: { load1: 2 } }]);
    await series.stop();
    expect((await query("load.load1"))[0]?.count).toBe(1);
  });
});

describe("time series of peers", () => {
  const peers: PeerLinkView[] = [
    { name: "n3", rttSamples: 20, probesInWindow: 20, p50RttMs: 2, p95RttMs: 8, lossPercent: 10, clockOffsetMs: -250 },
    { name: "n2", rttSamples: 3, probesInWindow: 3, p95RttMs: 1.5 },
  ];

  test("/metrics reads every peer's numbers at each scrape, in base units", () => {
    const { metrics } = setup(peers);
    const text = metrics.render();
    expect(text).toContain('satellite_peer_rtt_seconds{node="n1",peer="n3",percentile="50"} 0.002');
    expect(text).toContain('satellite_peer_rtt_seconds{node="n1",peer="n3",percentile="95"} 0.008');
    expect(text).toContain('satellite_peer_rtt_seconds{node="n1",peer="n2",percentile="95"} 0.0015');
    expect(text).toContain('satellite_peer_loss_ratio{node="n1",peer="n3"} 0.1');
    expect(text).toContain('satellite_peer_clock_offset_seconds{node="n1",peer="n3"} -0.25');
    // Numbers not measured yet are absent, not zero.
    expect(text).not.toContain('peer="n2",percentile="50"');
    expect(text).not.toContain('satellite_peer_loss_ratio{node="n1",peer="n2"}');
  });

  test("a peer that is gone disappears from /metrics at the next scrape", () => {
    const current = [...peers];
    const { metrics } = setup(current);
    expect(metrics.render()).toContain('peer="n2"');
    current.splice(1, 1);
    expect(metrics.render()).not.toContain('peer="n2"');
  });

  test("every minute to InfluxDB, every fifth minute to history", async () => {
    const { clock, points, query } = setup(peers);
    await clock.advance(PEER_SAMPLE_MS);
    expect(points).toEqual([
      { measurement: "peer", tags: { node: "n1", peer: "n2" }, fields: { rtt_p50_ms: undefined, rtt_p95_ms: 1.5, loss_percent: undefined, clock_offset_ms: undefined }, tsMs: T0 + M },
      { measurement: "peer", tags: { node: "n1", peer: "n3" }, fields: { rtt_p50_ms: 2, rtt_p95_ms: 8, loss_percent: 10, clock_offset_ms: -250 }, tsMs: T0 + M },
    ]);
    await clock.advance(PEER_SAMPLE_MS * (PEER_HISTORY_EVERY - 1) + HISTORY_FLUSH_MS);
    expect(points).toHaveLength(2 * PEER_HISTORY_EVERY);
    const at = T0 + PEER_HISTORY_EVERY * M;
    expect(await query("peer.rttP95Ms", { node: "n1", peer: "n3" })).toEqual([{ ts: at, count: 1, min: 8, avg: 8, max: 8 }]);
    expect(await query("peer.rttP95Ms", { node: "n1" })).toEqual([{ ts: at, count: 2, min: 1.5, avg: 4.75, max: 8 }]);
    expect(await query("peer.rttP50Ms", { peer: "n3" })).toEqual([{ ts: at, count: 1, min: 2, avg: 2, max: 2 }]);
    expect(await query("peer.lossPercent", { peer: "n3" })).toEqual([{ ts: at, count: 1, min: 10, avg: 10, max: 10 }]);
    expect(await query("peer.clockOffsetMs", { peer: "n3" })).toEqual([{ ts: at, count: 1, min: -250, avg: -250, max: -250 }]);
    expect(await query("peer.lossPercent", { peer: "n2" })).toEqual([]);
  });

  test("at most 256 peers have series, the first by name; numbers that are not finite are left out", () => {
    const many = Array.from({ length: 300 }, (_, i) => ({ name: `p${String(i).padStart(3, "0")}`, rttSamples: 1, probesInWindow: 1, p95RttMs: i === 0 ? Number.NaN : 1 }));
    const numbers = peerNumbers(many.reverse());
    expect(numbers).toHaveLength(PEERS_MAX);
    expect(numbers[0]).toEqual({ peer: "p000", rttP50Ms: undefined, rttP95Ms: undefined, lossPercent: undefined, clockOffsetMs: undefined });
    expect(numbers.at(-1)?.peer).toBe("p255");
  });
});
