import { describe, expect, test } from "bun:test";
import { escapeKey, escapeMeasurement, escapeStringField, formatPoint } from "../../../src/store/influxdb/line-protocol.ts";
import { checkMetricPoint, nodeStatusPoints, peerPoint } from "../../../src/store/influxdb/points.ts";

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
        member_status: { addr: "10.0.0.1:7946", status: "alive", tags: { role: "master", publicip: "10.0.0.1", zone: "eu-1", name: "not-the-name", time: "x" } },
        probes: [
          { checker: "docker", status: "failed", error: "healthz failed", code: "503" },
          { checker: "etcd", status: "running" },
        ],
      },
      1000,
    ).map(formatPoint);
    expect(lines).toEqual([
      'node,name=n1,node_name=n1,publicip=10.0.0.1,role=master,zone=eu-1 addr="10.0.0.1:7946",member_status="alive",status="degraded" 1000',
      'probe,checker=docker,node=n1,node_name=n1,status=failed code="503",error="healthz failed" 1000',
      'probe,checker=etcd,node=n1,node_name=n1,status=running error="" 1000',
    ]);
  });

  test("check numbers and per-peer numbers; unknown peer numbers are left out", () => {
    expect(formatPoint(checkMetricPoint("n1", "host-metrics", "cpu.usedPercent", 12.5, 1000))).toBe("check_metric,checker=host-metrics,metric=cpu.usedPercent,node=n1 value=12.5 1000");
    expect(formatPoint(peerPoint("n1", { peer: "n2", rttP50Ms: 0.4, rttP95Ms: 1.25, lossPercent: 0, clockOffsetMs: -3 }, 1000))).toBe("peer,node=n1,peer=n2 clock_offset_ms=-3,loss_percent=0,rtt_p50_ms=0.4,rtt_p95_ms=1.25 1000");
    expect(formatPoint(peerPoint("n1", { peer: "n3", rttP95Ms: 2 }, 1000))).toBe("peer,node=n1,peer=n3 rtt_p95_ms=2 1000");
  });
});
