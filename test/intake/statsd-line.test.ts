import { describe, expect, test } from "bun:test";
import { parseGraphiteLine } from "../../src/intake/graphite-line.ts";
import { cleanMetricName } from "../../src/intake/metric-name.ts";
import { parseStatsdLine } from "../../src/intake/statsd-line.ts";

describe("statsd lines", () => {
  test.each([
    ["api.requests:1|c", { type: "counter", name: "api.requests", value: 1, rate: 1 }],
    ["api.requests:3|c|@0.1", { type: "counter", name: "api.requests", value: 3, rate: 0.1 }],
    ["api.requests:1|c|@0.5|#env:prod,az:a", { type: "counter", name: "api.requests", value: 1, rate: 0.5 }],
    ["queue.depth:42|g", { type: "gauge", name: "queue.depth", value: 42, delta: false }],
    ["queue.depth:+3|g", { type: "gauge", name: "queue.depth", value: 3, delta: true }],
    ["queue.depth:-2.5|g", { type: "gauge", name: "queue.depth", value: -2.5, delta: true }],
    ["db.query:12.5|ms", { type: "timer", name: "db.query", value: 12.5, rate: 1 }],
    ["db.query:12|ms|@0.25", { type: "timer", name: "db.query", value: 12, rate: 0.25 }],
    ["db.query:7|h", { type: "timer", name: "db.query", value: 7, rate: 1 }],
    ["db.query:7|d|#a:b", { type: "timer", name: "db.query", value: 7, rate: 1 }],
    ["users.seen:alice|s", { type: "set", name: "users.seen", member: "alice" }],
    ["my app/GET index:1|c", { type: "counter", name: "my_app-GET_index", value: 1, rate: 1 }],
    ["x:1e3|c|c:abc123|T1656581400", { type: "counter", name: "x", value: 1000, rate: 1 }],
  ])("%s", (line, sample) => {
    expect(parseStatsdLine(line)).toEqual(sample as never);
  });

  test.each([
    ["no colon", "api.requests"],
    ["no type", "api.requests:1"],
    ["unknown type", "api.requests:1|x"],
    ["empty name", ":1|c"],
    ["name with nothing usable", "€€€:1|c"],
    ["value not a number", "api.requests:abc|c"],
    ["hex value", "api.requests:0x10|c"],
    ["Infinity", "api.requests:Infinity|c"],
    ["overflow to infinity", "api.requests:1e999|c"],
    ["rate zero", "api.requests:1|c|@0"],
    ["rate above one", "api.requests:1|c|@2"],
    ["rate twice", "api.requests:1|c|@0.5|@0.5"],
    ["unknown field", "api.requests:1|c|zz"],
    ["empty set member", "users:|s"],
    ["name too long", `${"a".repeat(201)}:1|c`],
  ])("%s is malformed", (_what, line) => {
    expect(parseStatsdLine(line)).toBe("malformed");
  });

  test("a line above 1,024 characters is refused before it is read", () => {
    expect(parseStatsdLine(`a:1|s|#${"x".repeat(1100)}`)).toBe("line_too_long");
  });

  test("names are cleaned as statsd cleans them and bounded", () => {
    expect(cleanMetricName("a b\tc")).toBe("a_b_c");
    expect(cleanMetricName("a/b")).toBe("a-b");
    expect(cleanMetricName("a{b}=c;d")).toBe("abcd");
    expect(cleanMetricName("x".repeat(200))).toBe("x".repeat(200));
    expect(cleanMetricName("x".repeat(201))).toBeUndefined();
    expect(cleanMetricName("")).toBeUndefined();
  });
});

describe("graphite plaintext lines", () => {
  const now = Date.UTC(2026, 0, 1);
  test.each([
    [`servers.web1.load 0.42 ${now / 1000}`, { name: "servers.web1.load", value: 0.42, ts: now }],
    [`servers.web1.load\t7\t${now / 1000 - 60}`, { name: "servers.web1.load", value: 7, ts: now - 60_000 }],
    ["servers.web1.load -3 -1", { name: "servers.web1.load", value: -3, ts: now }],
    [`  padded.path  1  ${now / 1000}  `, { name: "padded.path", value: 1, ts: now }],
  ])("%s", (line, sample) => {
    expect(parseGraphiteLine(line, now)).toEqual(sample);
  });

  test.each([
    ["two fields", "a.b 1"],
    ["four fields", `a.b 1 ${now / 1000} x`],
    ["value not a number", `a.b nan ${now / 1000}`],
    ["timestamp not a number", "a.b 1 yesterday"],
    ["empty", ""],
  ])("%s is malformed", (_what, line) => {
    expect(parseGraphiteLine(line, now)).toBe("malformed");
  });

  test("a timestamp more than 10 minutes from the agent's clock is refused; an overlong line too", () => {
    expect(parseGraphiteLine(`a.b 1 ${now / 1000 - 601}`, now)).toBe("timestamp");
    expect(parseGraphiteLine(`a.b 1 ${now / 1000 + 601}`, now)).toBe("timestamp");
    expect(parseGraphiteLine(`a.b 1 ${now / 1000 - 599}`, now)).toMatchObject({ name: "a.b" });
    expect(parseGraphiteLine(`${"a".repeat(5000)} 1 -1`, now)).toBe("line_too_long");
  });
});
