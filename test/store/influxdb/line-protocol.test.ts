import { describe, expect, test } from "bun:test";
import { escapeKey, escapeMeasurement, escapeStringField, formatPoint } from "../../../src/store/influxdb/line-protocol.ts";
import { nodeStatusPoints } from "../../../src/store/influxdb/points.ts";

describe("line protocol escaping", () => {
  test.each([
    ["plain", "plain"],
    ["a b", "a\\ b"],
    ["a,b", "a\\,b"],
    ["a=b", "a=b"],
    ["a\nb", "a\\ b"],
  ])("measurement %p -> %p", (input, out) => expect(escapeMeasurement(input)).toBe(out));

  test.each([
    ["plain", "plain"],
    ["a b", "a\\ b"],
    ["a,b", "a\\,b"],
    ["a=b", "a\\=b"],
    ["x\r\ny", "x\\ y"],
    ["10.0.0.1:7946", "10.0.0.1:7946"],
  ])("tag key/value %p -> %p", (input, out) => expect(escapeKey(input)).toBe(out));

  test.each([
    ["plain", '"plain"'],
    ['say "hi"', '"say \\"hi\\""'],
    ["back\\slash", '"back\\\\slash"'],
    ["a,b c=d", '"a,b c=d"'],
    ["", '""'],
  ])("string field %p -> %p", (input, out) => expect(escapeStringField(input)).toBe(out));
});

describe("formatPoint", () => {
  test("tags and fields sorted, empty tags dropped, ms timestamp", () => {
    expect(
      formatPoint({ measurement: "probe", tags: { node: "n 1", checker: "docker", empty: "" }, fields: { error: 'x "y"', n: 1.5, ok: true }, tsMs: 1700000000123 }),
    ).toBe('probe,checker=docker,node=n\\ 1 error="x \\"y\\"",n=1.5,ok=true 1700000000123');
  });

  test("a point without fields is not a line", () => {
    expect(formatPoint({ measurement: "m", tags: { a: "b" }, fields: { x: undefined }, tsMs: 1 })).toBeUndefined();
  });

  test("the original measurements from a status node", () => {
    const lines = nodeStatusPoints(
      {
        name: "n1",
        status: "degraded",
        member_status: { addr: "10.0.0.1:7946", status: "alive", tags: { role: "master", publicip: "10.0.0.1" } },
        probes: [
          { checker: "docker", status: "failed", error: "healthz failed", code: "503" },
          { checker: "etcd", status: "running" },
        ],
      },
      1000,
    ).map(formatPoint);
    expect(lines).toEqual([
      'node,name=n1,publicip=10.0.0.1,role=master addr="10.0.0.1:7946",member_status="alive",status="degraded" 1000',
      'probe,checker=docker,node=n1,status=failed code="503",error="healthz failed" 1000',
      'probe,checker=etcd,node=n1,status=running error="" 1000',
    ]);
  });
});
