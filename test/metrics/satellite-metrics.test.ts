import { describe, expect, test } from "bun:test";
import { createMetrics } from "../../src/metrics/satellite-metrics.ts";
import { metricsRoute } from "../../src/metrics/route.ts";

const status = {
  status: "degraded",
  nodes: [
    {
      name: "n1",
      status: "degraded",
      member_status: { status: "alive" },
      probes: [
        { checker: "docker", status: "failed", error: 'healthz check failed: "oops"\nsecret detail' },
        { checker: "etcd", status: "running" },
      ],
    },
    { name: 'odd "name"\\x', status: "running", member_status: { status: "failed" }, probes: [] },
  ],
};

function promtoolAvailable(): boolean {
  return Bun.which("promtool") !== null;
}

describe("satellite metrics", () => {
  test("observeStatus sets cluster, node, member and probe gauges and never puts error text in labels", () => {
    const m = createMetrics({ version: "1.2.3", commit: "abc" });
    m.observeStatus(status);
    const text = m.render();
    expect(text).toContain("satellite_cluster_status 0");
    expect(text).toContain('satellite_node_status{node="n1"} 0');
    expect(text).toContain('satellite_node_status{node="odd \\"name\\"\\\\x"} 1');
    expect(text).toContain('satellite_probe_status{node="n1",checker="docker"} 0');
    expect(text).toContain('satellite_probe_status{node="n1",checker="etcd"} 1');
    expect(text).toContain('satellite_members{status="alive"} 1');
    expect(text).toContain('satellite_members{status="failed"} 1');
    expect(text).toContain('satellite_members{status="left"} 0');
    expect(text).toContain('satellite_build_info{version="1.2.3",commit="abc"} 1');
    expect(text).not.toContain("healthz");
    expect(text).not.toContain("secret");
  });

  test("a node that disappears from the status disappears from the gauges", () => {
    const m = createMetrics();
    m.observeStatus(status);
    m.observeStatus({ status: "running", nodes: [{ name: "n1", status: "running", member_status: { status: "alive" } }] });
    const text = m.render();
    expect(text).toContain("satellite_cluster_status 1");
    expect(text).not.toContain("odd");
    expect(text).not.toContain("satellite_probe_status{");
    expect(text).toContain('satellite_members{status="failed"} 0');
  });

  test("recordProbe sets the status and observes the duration in seconds", () => {
    const m = createMetrics();
    m.recordProbe("n1", "docker", "failed", 1500);
    m.recordProbe("n1", "docker", "running", 20);
    expect(m.probeStatus.get({ node: "n1", checker: "docker" })).toBe(1);
    expect(m.probeDurationSeconds.get({ checker: "docker" })).toEqual({ count: 2, sum: 1.52 });
    expect(m.render()).toContain('satellite_probe_duration_seconds_bucket{checker="docker",le="2.5"} 2');
  });

  test("collectors run before each render", () => {
    const m = createMetrics();
    let queued = 0;
    m.addCollector(() => m.influxdbQueueLines.set(undefined, queued));
    queued = 42;
    expect(m.render()).toContain("satellite_influxdb_queue_lines 42");
    queued = 7;
    expect(m.render()).toContain("satellite_influxdb_queue_lines 7");
  });

  test("every family the dashboards expect is exposed from the start", () => {
    const text = createMetrics().render();
    for (const name of [
      "satellite_probe_status",
      "satellite_probe_duration_seconds",
      "satellite_node_status",
      "satellite_cluster_status",
      "satellite_members",
      "satellite_gossip_packets_sent_total",
      "satellite_gossip_packets_received_total",
      "satellite_gossip_bytes_sent_total",
      "satellite_gossip_bytes_received_total",
      "satellite_gossip_packets_dropped_total",
      "satellite_gossip_suspicions_total",
      "satellite_gossip_stream_failures_total",
      "satellite_gossip_claims_rejected_total",
      "satellite_history_write_errors_total",
      "satellite_build_info",
    ]) {
      expect(text).toContain(`# TYPE ${name} `);
    }
  });

  test.skipIf(!promtoolAvailable())("promtool check metrics accepts the output", () => {
    const m = createMetrics({ version: "0.1.0", commit: "deadbeef" });
    m.observeStatus(status);
    m.recordProbe("n1", "docker", "failed", 12);
    m.gossipPacketsDropped.inc({ reason: "crc" });
    m.historyWriteErrors.inc({ store: "sqlite" });
    m.gossipBytesSent.inc(undefined, 1234);
    m.checkValue.set({ node: "n1", checker: "host-metrics", metric: "cpu.usedPercent" }, 12.5);
    m.checkValuesDropped.inc({ reason: "series_limit" });
    m.peerRttSeconds.set({ node: "n1", peer: "n2", percentile: "95" }, 0.0012);
    m.peerLossRatio.set({ node: "n1", peer: "n2" }, 0.05);
    m.peerClockOffsetSeconds.set({ node: "n1", peer: "n2" }, -0.002);
    const result = Bun.spawnSync(["promtool", "check", "metrics"], { stdin: Buffer.from(m.render()), stdout: "pipe", stderr: "pipe" });
    const output = result.stdout.toString() + result.stderr.toString();
    expect(output).toBe("");
    expect(result.exitCode).toBe(0);
  });

  test("GET /metrics serves the text format", async () => {
    const m = createMetrics();
    const response = await metricsRoute(m).request("/metrics");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
    expect(await response.text()).toBe(m.render());
  });
});

if (!promtoolAvailable()) console.warn("SKIP promtool check: promtool is not installed (scripts/install-test-deps.sh)");
