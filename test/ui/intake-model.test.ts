import { describe, expect, test } from "bun:test";
import { INTAKE_NAMES_MAX, INTAKE_PLOTS_MAX, intakeTitle, pickIntakeSeries, readMetricNames } from "../../src/ui/app/intake-model.ts";

const names = Array.from({ length: 30 }, (_, i) => `statsd.app${String(i).padStart(2, "0")}.requests.count`).concat(["statsd.checkout.latency.p99", "statsd.checkout.latency.mean"]);

describe("intake series in the node view", () => {
  test("names are read defensively: intake names only, each once, sorted, bounded", () => {
    expect(readMetricNames({ metrics: ["statsd.b.count", "statsd.a.count", "statsd.a.count", "disk-space.usedPercent", 7, "statsd.x\u001b[31m", `statsd.${"x".repeat(400)}`] })).toEqual(["statsd.a.count", "statsd.b.count"]);
    expect(readMetricNames(null)).toEqual([]);
    expect(readMetricNames({ metrics: "statsd.a" })).toEqual([]);
    expect(readMetricNames({ metrics: Array.from({ length: INTAKE_NAMES_MAX + 50 }, (_, i) => `statsd.m${i}.count`) })).toHaveLength(INTAKE_NAMES_MAX);
  });

  test("at most twelve are plotted, the first by name; the filter narrows by every word", () => {
    const all = pickIntakeSeries(names, "");
    expect(all.shown).toHaveLength(INTAKE_PLOTS_MAX);
    expect(all.shown[0]).toBe("statsd.app00.requests.count");
    expect(all.matching).toBe(32);
    expect(pickIntakeSeries(names, "checkout")).toEqual({ shown: ["statsd.checkout.latency.p99", "statsd.checkout.latency.mean"], matching: 2 });
    expect(pickIntakeSeries(names, "  LATENCY p99 ").shown).toEqual(["statsd.checkout.latency.p99"]);
    // The prefix itself does not match: every name has it.
    expect(pickIntakeSeries(names, "statsd").matching).toBe(0);
  });

  test("titles drop the prefix", () => {
    expect(intakeTitle("statsd.checkout.latency.p99")).toBe("checkout.latency.p99");
  });
});
