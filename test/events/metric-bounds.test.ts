import { describe, expect, test } from "bun:test";
import { boundRunMetrics, isMetricName, METRIC_KEY_CHARS_MAX, metricKeyOf } from "../../src/events/metric-bounds.ts";

describe("metric keys", () => {
  test.each([
    ["load1", "load1"],
    ["cpu.usedPercent", "cpu.usedPercent"],
    ["/", "_"],
    ["/var/lib", "_var_lib"],
    ["'quoted label'", "_quoted_label_"],
    ["ünïcode", "_n_code"],
    ["", undefined],
    ["x".repeat(100), "x".repeat(METRIC_KEY_CHARS_MAX)],
  ] as const)("%p is kept as %p", (label, key) => {
    expect(metricKeyOf(label)).toBe(key);
  });

  test.each([
    ["disk-space.usedPercent", true],
    ["peer.rttP95Ms", true],
    ["_", true],
    ["", false],
    [".hidden", false],
    ["with space", false],
    ["a/b", false],
    ["x".repeat(321), false],
  ] as const)("%p is a metric name: %p", (text, ok) => {
    expect(isMetricName(text)).toBe(ok);
  });
});

describe("boundRunMetrics", () => {
  test("drops values that are not finite numbers and counts them", () => {
    const { outcomes, dropped } = boundRunMetrics([{ status: "running", metrics: { a: 1, b: Number.NaN, c: Number.NEGATIVE_INFINITY, d: "7" as unknown as number, e: -2.5 } }]);
    expect(outcomes).toEqual([{ status: "running", metrics: { a: 1, e: -2.5 } }]);
    expect(dropped).toBe(3);
  });

  test("keys that collide after cleaning keep the first value", () => {
    const { outcomes, dropped } = boundRunMetrics([{ status: "running", metrics: { "a b": 1, a_b: 2 } }]);
    expect(outcomes[0]?.metrics).toEqual({ a_b: 1 });
    expect(dropped).toBe(1);
  });

  test("at most 32 distinct keys per run, shared by its outcomes; a repeated key costs nothing", () => {
    const first = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`k${i}`, i]));
    const { outcomes, dropped } = boundRunMetrics([
      { status: "running", metrics: first },
      { status: "failed", error: "x", metrics: { k0: 100, n1: 1, n2: 2, n3: 3 } },
    ]);
    expect(Object.keys(outcomes[0]?.metrics ?? {})).toHaveLength(30);
    expect(outcomes[1]?.metrics).toEqual({ k0: 100, n1: 1, n2: 2 });
    expect(dropped).toBe(1);
  });

  test("an outcome left without numbers loses the field; one without them is untouched", () => {
    const plain = { status: "running" as const, detail: "ok" };
    const { outcomes } = boundRunMetrics([plain, { status: "running", metrics: { bad: Number.NaN } }]);
    expect(outcomes[0]).toBe(plain);
    expect(outcomes[1]).toEqual({ status: "running" });
  });

  test("a key named __proto__ stays an ordinary key", () => {
    const metrics = JSON.parse('{"__proto__": 5, "x": 1}') as Record<string, number>;
    const { outcomes } = boundRunMetrics([{ status: "running", metrics }]);
    expect(Object.keys(outcomes[0]?.metrics ?? {})).toEqual(["__proto__", "x"]);
    expect(Object.getPrototypeOf(outcomes[0]?.metrics)).toBe(Object.prototype);
  });
});
