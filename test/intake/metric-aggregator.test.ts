import { describe, expect, test } from "bun:test";
import { MetricAggregator, type AggregatorOptions, type FlushedValue } from "../../src/intake/metric-aggregator.ts";
import { LineSplitter } from "../../src/intake/line-splitter.ts";
import { parseStatsdLine, type StatsdSample } from "../../src/intake/statsd-line.ts";
import { nearestRank, TimerSummary } from "../../src/intake/timer-summary.ts";
import { createSeededRandom } from "../../src/platform/random.ts";

const seeded = createSeededRandom(7);
const options = (over: Partial<AggregatorOptions> = {}): AggregatorOptions => ({ namesMax: 100, timerValuesMax: 1000, setMembersMax: 100, idleForgetMs: 600_000, random: () => seeded.float(), ...over });
const line = (text: string): StatsdSample => {
  const sample = parseStatsdLine(text);
  if (typeof sample === "string") throw new Error(`${text}: ${sample}`);
  return sample;
};
const byKey = (values: FlushedValue[]) => Object.fromEntries(values.map((v) => [`${v.metric}.${v.stat}`, v.value]));

describe("statsd aggregation per flush interval", () => {
  test("counters are summed with their sample rates, as a count and a rate per second, and start again at 0", () => {
    const agg = new MetricAggregator(options());
    for (const text of ["hits:1|c", "hits:2|c", "hits:1|c|@0.1"]) agg.addStatsd(line(text), 0);
    expect(byKey(agg.flush(10_000, 10_000))).toEqual({ "hits.count": 13, "hits.rate": 1.3 });
    expect(byKey(agg.flush(20_000, 10_000))).toEqual({ "hits.count": 0, "hits.rate": 0 });
  });

  test("gauges are set, moved by +/- deltas, and kept across flushes", () => {
    const agg = new MetricAggregator(options());
    for (const text of ["depth:10|g", "depth:+5|g", "depth:-2|g"]) agg.addStatsd(line(text), 0);
    expect(byKey(agg.flush(10_000, 10_000))).toEqual({ "depth.value": 13 });
    agg.addStatsd(line("depth:4|g"), 11_000);
    expect(byKey(agg.flush(20_000, 10_000))).toEqual({ "depth.value": 4 });
    expect(byKey(agg.flush(30_000, 10_000))).toEqual({ "depth.value": 4 });
  });

  test("timers: count (with sample rates), mean, upper, p90, p99; then a count of 0 only", () => {
    const agg = new MetricAggregator(options());
    for (let ms = 1; ms <= 100; ms++) agg.addStatsd(line(`db:${ms}|ms`), 0);
    agg.addStatsd(line("db:1000|ms|@0.5"), 0);
    expect(byKey(agg.flush(10_000, 10_000))).toEqual({ "db.count": 102, "db.mean": (5050 + 1000) / 101, "db.upper": 1000, "db.p90": 91, "db.p99": 100 });
    expect(byKey(agg.flush(20_000, 10_000))).toEqual({ "db.count": 0 });
  });

  test("sets count distinct members per interval, at most setMembersMax", () => {
    const agg = new MetricAggregator(options({ setMembersMax: 3 }));
    const refused = ["a", "b", "a", "c", "d", "e"].map((m) => agg.addStatsd(line(`users:${m}|s`), 0));
    expect(refused).toEqual([undefined, undefined, undefined, undefined, "set_full", "set_full"]);
    expect(byKey(agg.flush(10_000, 10_000))).toEqual({ "users.count": 3 });
    expect(byKey(agg.flush(20_000, 10_000))).toEqual({ "users.count": 0 });
  });

  test("graphite lines are gauges; an older timestamp does not replace a newer value", () => {
    const agg = new MetricAggregator(options());
    agg.addGraphite({ name: "load", value: 2, ts: 5000 }, 0);
    agg.addGraphite({ name: "load", value: 1, ts: 4000 }, 0);
    expect(byKey(agg.flush(10_000, 10_000))).toEqual({ "load.value": 2 });
  });

  test("at most namesMax names; a name keeps its first type", () => {
    const agg = new MetricAggregator(options({ namesMax: 2 }));
    expect(agg.addStatsd(line("a:1|c"), 0)).toBeUndefined();
    expect(agg.addStatsd(line("b:1|ms"), 0)).toBeUndefined();
    expect(agg.addStatsd(line("c:1|c"), 0)).toBe("names_full");
    expect(agg.addGraphite({ name: "d", value: 1, ts: 0 }, 0)).toBe("names_full");
    expect(agg.addStatsd(line("a:1|g"), 0)).toBe("type_conflict");
    expect(agg.addGraphite({ name: "b", value: 1, ts: 0 }, 0)).toBe("type_conflict");
    expect(agg.size).toBe(2);
  });

  test("a name without samples for idleForgetMs is forgotten and frees its place", () => {
    const agg = new MetricAggregator(options({ namesMax: 1, idleForgetMs: 60_000 }));
    agg.addStatsd(line("old:1|g"), 0);
    expect(agg.addStatsd(line("new:1|g"), 30_000)).toBe("names_full");
    expect(byKey(agg.flush(59_000, 10_000))).toEqual({ "old.value": 1 });
    expect(agg.flush(60_000, 10_000)).toEqual([]);
    expect(agg.addStatsd(line("new:1|g"), 61_000)).toBeUndefined();
  });
});

describe("timer summaries", () => {
  test("nearest-rank percentiles", () => {
    const sorted = Array.from({ length: 10 }, (_, i) => i + 1);
    expect([nearestRank(sorted, 0.9), nearestRank(sorted, 0.99), nearestRank(sorted, 0.5), nearestRank([5], 0.99)]).toEqual([9, 10, 5, 5]);
  });

  test("beyond the values kept, count, mean and upper stay exact and percentiles come from a uniform sample", () => {
    const random = createSeededRandom(1);
    const summary = new TimerSummary(1000, () => random.float());
    for (let i = 1; i <= 100_000; i++) summary.add(i, 1);
    const stats = summary.stats();
    expect(stats.count).toBe(100_000);
    expect(stats.mean).toBe(50_000.5);
    expect(stats.upper).toBe(100_000);
    expect(Math.abs((stats.p90 ?? 0) - 90_000)).toBeLessThan(3000);
    expect(Math.abs((stats.p99 ?? 0) - 99_000)).toBeLessThan(1000);
  });
});

describe("lines out of a TCP stream", () => {
  test("lines split across chunks come out whole; CRLF is accepted; the unfinished rest waits", () => {
    const splitter = new LineSplitter(64);
    const enc = new TextEncoder();
    expect(splitter.push(enc.encode("a.b 1 -1\r\nc.d 2"))).toEqual({ lines: ["a.b 1 -1"], tooLong: 0 });
    expect(splitter.push(enc.encode(" -1\ne.f"))).toEqual({ lines: ["c.d 2 -1"], tooLong: 0 });
    expect(splitter.end()).toBe("e.f");
  });

  test("a line longer than the bound is skipped to its newline and counted once, without being buffered", () => {
    const splitter = new LineSplitter(16);
    const enc = new TextEncoder();
    expect(splitter.push(enc.encode("x".repeat(10)))).toEqual({ lines: [], tooLong: 0 });
    expect(splitter.push(enc.encode("x".repeat(10)))).toEqual({ lines: [], tooLong: 1 });
    expect(splitter.push(enc.encode("x".repeat(100_000)))).toEqual({ lines: [], tooLong: 0 });
    expect(splitter.push(enc.encode("xx\nok 1 -1\n"))).toEqual({ lines: ["ok 1 -1"], tooLong: 0 });
    expect(splitter.push(enc.encode(`${"y".repeat(20)}\n`))).toEqual({ lines: [], tooLong: 1 });
  });

  test("a character split between chunks is decoded whole", () => {
    const splitter = new LineSplitter(64);
    const bytes = new TextEncoder().encode("é.b 1 -1\n");
    splitter.push(bytes.subarray(0, 1));
    expect(splitter.push(bytes.subarray(1))).toEqual({ lines: ["é.b 1 -1"], tooLong: 0 });
  });
});
