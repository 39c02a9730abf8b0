import { describe, expect, test } from "bun:test";
import { createEchoProber } from "../../src/nethealth/echo-prober.ts";
import { createNethealthHandler } from "../../src/nethealth/nethealth-http.ts";
import { nethealthReportSchema } from "../../src/nethealth/peer-report.ts";
import { silentLogger } from "../../src/platform/logger.ts";
import { ManualClock } from "../../src/platform/manual-clock.ts";
import { FakeUdpNet } from "./fake-udp.ts";

async function twoNodesAfter(ms: number) {
  const clock = new ManualClock();
  const net = new FakeUdpNet(clock, 1);
  const a = createEchoProber({ node: "a", intervalMs: 1000, timeoutMs: 500, windowProbes: 10 }, { clock, logger: silentLogger });
  const b = createEchoProber({ node: "b", intervalMs: 1000, timeoutMs: 500, windowProbes: 10 }, { clock, logger: silentLogger });
  a.setPeers([{ name: "b", ip: "10.0.0.2", port: 7580 }, { name: "gone", ip: "10.0.0.9", port: 7580 }]);
  b.setPeers([{ name: "a", ip: "10.0.0.1", port: 7580 }]);
  a.start(net.open("10.0.0.1", 7580, a.receive));
  b.start(net.open("10.0.0.2", 7580, b.receive));
  await clock.advance(ms);
  return createNethealthHandler(a);
}

const get = (handler: ReturnType<typeof createNethealthHandler>, path: string, method = "GET") => handler(new Request(`http://127.0.0.1:7580${path}`, { method }), {});

describe("nethealth HTTP", () => {
  test("GET /peers: the report, valid against the schema the overlay check reads with", async () => {
    const handler = await twoNodesAfter(10_000);
    const response = await get(handler, "/peers");
    expect(response.headers.get("content-type")).toBe("application/json");
    const report = nethealthReportSchema.parse(await response.json());
    expect(report.peers.map((p) => [p.name, p.lossPercent, p.rttP50Ms])).toEqual([["b", 0, 2], ["gone", 100, undefined]]);
  });

  test("GET /metrics: loss ratio, round trip by percentile and counters per peer, drops by reason", async () => {
    const text = await (await get(await twoNodesAfter(10_000), "/metrics")).text();
    for (const line of [
      "# TYPE satellite_nethealth_peer_loss_ratio gauge",
      'satellite_nethealth_peer_loss_ratio{peer="b"} 0',
      'satellite_nethealth_peer_loss_ratio{peer="gone"} 1',
      'satellite_nethealth_peer_rtt_seconds{peer="b",percentile="50"} 0.002',
      'satellite_nethealth_peer_rtt_seconds{peer="b",percentile="95"} 0.002',
      'satellite_nethealth_echo_requests_total{peer="b"} 11',
      'satellite_nethealth_echo_lost_total{peer="gone"} 10',
      'satellite_nethealth_datagrams_dropped_total{reason="unknown-peer"} 0',
      "satellite_nethealth_peers 2",
    ]) {
      expect(text.split("\n")).toContain(line);
    }
    expect(text).not.toContain('peer_rtt_seconds{peer="gone"');
  });

  test("GET /livez answers ok; other paths 404 naming the routes; other methods 405", async () => {
    const handler = await twoNodesAfter(0);
    expect(await (await get(handler, "/livez")).text()).toBe("ok\n");
    const missing = await get(handler, "/status");
    expect([missing.status, ((await missing.json()) as { error: string }).error]).toEqual([404, "no route /status; nethealth serves /peers, /metrics, /livez"]);
    const post = await get(handler, "/peers", "POST");
    expect([post.status, post.headers.get("allow")]).toEqual([405, "GET, HEAD"]);
  });
});

test.skipIf(Bun.which("promtool") === null)("promtool check metrics accepts /metrics (no lint problems)", async () => {
  const text = await (await get(await twoNodesAfter(10_000), "/metrics")).text();
  const run = Bun.spawnSync(["promtool", "check", "metrics"], { stdin: new TextEncoder().encode(text), stdout: "pipe", stderr: "pipe" });
  expect(`${run.stdout.toString()}${run.stderr.toString()}`).toBe("");
  expect(run.exitCode).toBe(0);
});
