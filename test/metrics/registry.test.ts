import { describe, expect, test } from "bun:test";
import { createRegistry } from "../../src/metrics/registry.ts";
import { escapeHelp, escapeLabelValue, formatValue } from "../../src/metrics/exposition.ts";

describe("exposition escaping", () => {
  test.each([
    ["plain", "plain"],
    ['a"b', 'a\\"b'],
    ["a\\b", "a\\\\b"],
    ["a\nb", "a\\nb"],
  ])("label value %p -> %p", (input, out) => expect(escapeLabelValue(input)).toBe(out));

  test.each([
    ['say "x"', 'say "x"'],
    ["a\\b", "a\\\\b"],
    ["a\nb", "a\\nb"],
  ])("help %p -> %p", (input, out) => expect(escapeHelp(input)).toBe(out));

  test.each([
    [1, "1"],
    [0.25, "0.25"],
    [Infinity, "+Inf"],
    [-Infinity, "-Inf"],
    [NaN, "NaN"],
  ])("value %p -> %p", (input, out) => expect(formatValue(input)).toBe(out));
});

describe("registry", () => {
  test("renders counters, gauges and histograms with HELP and TYPE", () => {
    const r = createRegistry();
    const c = r.counter({ name: "x_total", help: "Things.", labelNames: ["kind"] });
    const g = r.gauge({ name: "y", help: "Level." });
    const h = r.histogram({ name: "z_seconds", help: "Time.", labelNames: ["op"], buckets: [1, 0.1] });
    c.inc({ kind: 'a"b' });
    c.inc({ kind: 'a"b' }, 2);
    g.set(undefined, 2.5);
    h.observe({ op: "r" }, 0.05);
    h.observe({ op: "r" }, 0.5);
    h.observe({ op: "r" }, 7);
    expect(r.render()).toBe(
      [
        "# HELP x_total Things.",
        "# TYPE x_total counter",
        'x_total{kind="a\\"b"} 3',
        "# HELP y Level.",
        "# TYPE y gauge",
        "y 2.5",
        "# HELP z_seconds Time.",
        "# TYPE z_seconds histogram",
        'z_seconds_bucket{op="r",le="0.1"} 1',
        'z_seconds_bucket{op="r",le="1"} 2',
        'z_seconds_bucket{op="r",le="+Inf"} 3',
        'z_seconds_sum{op="r"} 7.55',
        'z_seconds_count{op="r"} 3',
        "",
      ].join("\n"),
    );
    expect(c.get({ kind: 'a"b' })).toBe(3);
    expect(h.get({ op: "r" })).toEqual({ count: 3, sum: 7.55 });
  });

  test("a metric without labels starts at 0; labelled ones have no sample until used", () => {
    const r = createRegistry();
    r.counter({ name: "a_total", help: "A." });
    r.gauge({ name: "b", help: "B.", labelNames: ["x"] });
    expect(r.render()).toBe("# HELP a_total A.\n# TYPE a_total counter\na_total 0\n# HELP b B.\n# TYPE b gauge\n");
  });

  test("gauges can forget children", () => {
    const r = createRegistry();
    const g = r.gauge({ name: "g", help: "G.", labelNames: ["n"] });
    g.set({ n: "a" }, 1);
    g.set({ n: "b" }, 0);
    g.inc({ n: "b" }, 2);
    g.remove({ n: "a" });
    expect(r.render()).toContain('g{n="b"} 2');
    expect(r.render()).not.toContain('n="a"');
    g.clear();
    expect(g.get({ n: "b" })).toBe(0);
  });

  test("misuse is refused with the metric named", () => {
    const r = createRegistry();
    const c = r.counter({ name: "c_total", help: "C." });
    expect(() => c.inc(undefined, -1)).toThrow("c_total");
    expect(() => r.counter({ name: "c_total", help: "again" })).toThrow("twice");
    expect(() => r.gauge({ name: "bad-name", help: "x" })).toThrow("invalid metric name");
    expect(() => r.gauge({ name: "ok", help: "x", labelNames: ["le"] })).toThrow("invalid label name");
    expect(() => r.gauge({ name: "ok2", help: "x", labelNames: ["__x"] })).toThrow("invalid label name");
  });
});
