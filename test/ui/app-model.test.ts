import { describe, expect, test } from "bun:test";
import { countNodes, filterAndSort, matchesFilter, parseTagFilter, rolesOf } from "../../src/ui/app/cluster-filter.ts";
import { ago, formatMs } from "../../src/ui/app/format.ts";
import { bandLabels, heatBand } from "../../src/ui/app/heat-scale.ts";
import { parseRoute, routeHref, type Route } from "../../src/ui/app/router.ts";
import { readSeries } from "../../src/ui/app/series-model.ts";
import { NODES_MAX, readClusterStatus, TEXT_MAX, type NodeRow } from "../../src/ui/app/status-model.ts";
import { readTimeline, readTimelineRow, rowMatches } from "../../src/ui/app/timeline-model.ts";

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64");

const STATUS = {
  status: "degraded",
  summary: "degraded nodes: n2",
  timestamp: "2026-11-22T12:00:00.000000000Z",
  nodes: [
    { name: "n1", member_status: { name: "n1", addr: "10.0.0.1:7946", status: "alive", tags: { role: "master", zone: "a" } }, status: "running", probes: [{ checker: "disk", status: "running" }], reported_at: "2026-11-22T11:59:58Z" },
    {
      name: "n2",
      member_status: { name: "n2", addr: "10.0.0.2:7946", status: "alive", tags: { role: "node", zone: "b" } },
      status: "degraded",
      probes: [
        { checker: "docker", status: "failed", error: "docker is down" },
        { checker: "latency", status: "failed", severity: "warning", detail: "n1", checker_data: b64({ peer: "n1", p95RttMs: 40 }) },
      ],
      peers: [{ name: "n3", p95RttMs: 2.5, lossPercent: 0, clockOffsetMs: -3 }],
      metrics: [{ probe: "host-metrics", name: "cpu.usedPercent", value: 42 }],
    },
    { name: "n3", member_status: { name: "n3", addr: "10.0.0.3:7946", status: "failed", tags: { role: "node" } } },
  ],
};

describe("status model", () => {
  const model = readClusterStatus(STATUS);
  const n2 = model.nodes[1] as NodeRow;

  test("reads nodes, member facts, failing probes, reported_at, peers and metrics", () => {
    expect(model.status).toBe("degraded");
    expect(model.nodes.map((n) => n.name)).toEqual(["n1", "n2", "n3"]);
    expect(model.nodes[0]?.reportedAtMs).toBe(Date.parse("2026-11-22T11:59:58Z"));
    expect(n2.role).toBe("node");
    expect(n2.failing.map((p) => [p.checker, p.severity, p.error])).toEqual([
      ["docker", "critical", "docker is down"],
      ["latency", "warning", undefined],
    ]);
    // One link from the peers list, one from the latency probe's finding.
    expect(n2.peers).toEqual([
      { peer: "n1", rttMs: 40 },
      { peer: "n3", rttMs: 2.5, lossPercent: 0, clockOffsetMs: -3 },
    ]);
    expect(n2.metrics).toEqual([{ metric: "host-metrics.cpu.usedPercent", value: 42 }]);
    expect(model.nodes[2]?.status).toBe("unknown");
    expect(model.nodes[2]?.member).toBe("failed");
  });

  test("hostile or broken input is bounded and never throws", () => {
    expect(readClusterStatus(null)).toEqual({ status: "unknown", summary: "", nodes: [], maintenance: [] });
    expect(readClusterStatus({ nodes: "x", status: "evil" }).status).toBe("unknown");
    const huge = readClusterStatus({ nodes: Array.from({ length: NODES_MAX + 10 }, (_, i) => ({ name: `n${i}` })) });
    expect(huge.nodes.length).toBe(NODES_MAX);
    const long = readClusterStatus({ nodes: [{ name: "n", probes: [{ checker: "c", status: "failed", error: "x".repeat(100_000), checker_data: "%%%not base64" }, { status: "failed" }, 7] }] });
    expect(long.nodes[0]?.probes.length).toBe(1);
    expect(long.nodes[0]?.probes[0]?.error?.length).toBe(TEXT_MAX);
    expect(long.nodes[0]?.probes[0]?.data).toBeUndefined();
    const odd = readClusterStatus({ nodes: [{ name: "n", member_status: { tags: { role: 5 } }, reported_at: "yesterday" }] }).nodes[0];
    expect(odd?.role).toBeUndefined();
    expect(odd?.tags).toEqual({});
    expect(odd?.reportedAtMs).toBeUndefined();
  });
});

describe("cluster filters", () => {
  const nodes = readClusterStatus(STATUS).nodes;
  test.each([
    [{}, ["n3", "n2", "n1"]],
    [{ status: "degraded" }, ["n2"]],
    [{ status: "running" }, ["n1"]],
    [{ status: "failed" }, ["n3"]],
    [{ role: "node" }, ["n3", "n2"]],
    [{ tag: "zone=b" }, ["n2"]],
    [{ tag: "zone:a" }, ["n1"]],
    [{ tag: "zone" }, ["n2", "n1"]],
    [{ search: "N1" }, ["n1"]],
    [{ role: "master", status: "degraded" }, []],
  ] as const)("%p shows %p, worst first", (filter, names) => {
    expect(filterAndSort(nodes, filter).map((n) => n.name)).toEqual([...names]);
  });

  test("tag filter syntax, roles, counts", () => {
    expect(parseTagFilter(" role = master ")).toEqual({ key: "role", value: "master" });
    expect(parseTagFilter("gpu")).toEqual({ key: "gpu" });
    expect(parseTagFilter("  ")).toBeUndefined();
    expect(matchesFilter(nodes[0] as NodeRow, { tag: "constructor" })).toBe(false);
    expect(rolesOf(nodes)).toEqual(["master", "node"]);
    expect(countNodes(nodes)).toEqual({ nodes: 3, running: 1, degraded: 1, unknown: 1, failedMembers: 1, failingProbes: 2 });
  });
});

describe("routes", () => {
  test.each<Route>([
    { view: "cluster", filter: {} },
    { view: "cluster", filter: { status: "degraded", role: "master", tag: "zone=a", search: "web" } },
    { view: "node", name: "node/with spaces&?", range: "24h" },
    { view: "node", name: "n1", range: "1h" },
    { view: "timeline", filter: { node: "n1", type: "ProbeFailed", since: "7d" } },
    { view: "network", metric: "loss" },
  ])("%p survives its URL", (route) => {
    const parsed = parseRoute(routeHref(route));
    expect(JSON.parse(JSON.stringify(parsed))).toEqual(JSON.parse(JSON.stringify(route)));
  });

  test("unknown or broken fragments fall back to safe defaults", () => {
    expect(parseRoute("")).toEqual({ view: "cluster", filter: {} });
    expect(parseRoute("#/node/%E0%A4%A")).toEqual({ view: "cluster", filter: {} });
    expect(parseRoute("#/node/n1?range=1y")).toEqual({ view: "node", name: "n1", range: "1h" });
    expect(parseRoute("#/timeline?since=forever")).toMatchObject({ filter: { since: "24h" } });
  });
});

describe("timeline and series", () => {
  const now = Date.parse("2026-11-22T12:00:00Z");
  test("history rows and live events become the same rows; other events are not timeline rows", () => {
    const fromHistory = readTimeline({ events: [{ timestamp: "2026-11-22T11:59:00.000000000Z", type: "ProbeFailed", node: "n2", probe: "docker", oldState: "running", newState: "failed" }, { type: "Nope" }] });
    const live = readTimelineRow({ seq: 9, ts: Date.parse("2026-11-22T11:59:00Z"), kind: "probe", type: "ProbeFailed", node: "n2", probe: "docker", oldState: "running", newState: "failed", severity: "critical", error: "down" });
    expect(fromHistory).toEqual([{ timestampMs: Date.parse("2026-11-22T11:59:00Z"), type: "ProbeFailed", node: "n2", probe: "docker", oldState: "running", newState: "failed" }]);
    expect({ ...live, error: undefined }).toEqual({ ...fromHistory[0]!, error: undefined });
    expect(readTimelineRow({ type: "ProbeRun", ts: now })).toBeUndefined();
    expect(rowMatches(live!, { node: "n2", type: "ProbeFailed", since: "1h" }, now)).toBe(true);
    expect(rowMatches(live!, { node: "n1", since: "1h" }, now)).toBe(false);
    expect(rowMatches(live!, { probe: "disk", since: "1h" }, now)).toBe(false);
    expect(rowMatches(live!, { since: "1h" }, now + 2 * 3_600_000)).toBe(false);
  });

  test("series points become uPlot columns; bad, duplicate and unordered points are dropped", () => {
    expect(readSeries({ points: [{ ts: 60_000, count: 2, failures: 1, minMs: 1, avgMs: 2, maxMs: 3 }, { ts: 60_000, avgMs: 9 }, { ts: 0, avgMs: 1 }, { ts: 120_000, avgMs: Number.NaN }, { ts: 180_000, avg: 5, max: 6 }] })).toEqual({
      ts: [60, 180],
      avg: [2, 5],
      max: [3, 6],
      failures: [1, 0],
    });
    expect(readSeries({ points: [{ ts: 60_000, count: 1, min: 1, avg: 4, max: 7 }] })).toEqual({ ts: [60], avg: [4], max: [7] });
    expect(readSeries("nope")).toEqual({ ts: [], avg: [], max: [] });
  });
});

describe("formats and heat bands", () => {
  test.each([
    [0, "just now"],
    [42_000, "42 s ago"],
    [5 * 60_000, "5 min ago"],
    [3 * 3_600_000, "3 h ago"],
    [3 * 86_400_000, "3 d ago"],
  ])("%p ms ago is %p", (elapsed, text) => expect(ago(1_000_000_000, 1_000_000_000 + elapsed)).toBe(text));

  test("durations and bands", () => {
    expect([formatMs(0.42), formatMs(1.25), formatMs(12.3), formatMs(1250)]).toEqual(["0.42 ms", "1.3 ms", "12 ms", "1.25 s"]);
    expect([0.5, 1, 3, 40, 150, 151].map((v) => heatBand("rtt", v))).toEqual([0, 0, 1, 3, 4, 5]);
    expect(heatBand("loss", 0)).toBe(0);
    expect(bandLabels("offset")).toHaveLength(6);
  });
});
