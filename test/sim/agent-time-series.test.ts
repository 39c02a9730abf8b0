import { afterEach, expect, test } from "bun:test";
import { HISTORY_FLUSH_MS, PEER_HISTORY_EVERY, PEER_SAMPLE_MS } from "../../src/agent/time-series.ts";
import { AgentSim } from "./agent-sim.ts";

let sim: AgentSim | undefined;
afterEach(async () => {
  await sim?.stopAll();
  sim = undefined;
});

interface SeriesBody {
  metric: string;
  points: { count: number; min: number; max: number }[];
}

test("whole agents: a check's numbers and the per-peer round trips reach /metrics and /history/series?metric=", async () => {
  sim = new AgentSim(11);
  const s = sim;
  const [a, b] = [await s.start(0, "master"), await s.start(1, "node", [0])];
  a.appOutcome = { status: "running", metrics: { queueDepth: 7, "bad value": Number.NaN } };
  b.appOutcome = { status: "running", metrics: { queueDepth: 3 } };
  const joined = () => a.events.some((e) => e.type === "NodeAdded" && e.node === "node-1");
  expect(await s.advanceUntil(joined, 30_000)).toBeGreaterThanOrEqual(0);
  // Long enough for peer samples into history and a flush after them.
  await s.clock.advance(PEER_SAMPLE_MS * PEER_HISTORY_EVERY + HISTORY_FLUSH_MS);

  const metrics = await (await a.request("/metrics")).text();
  expect(metrics).toContain('satellite_check_value{node="node-0",checker="app",metric="queueDepth"} 7');
  // Each node exports its own numbers only; a value that is not finite never becomes a series.
  expect(metrics).not.toContain('satellite_check_value{node="node-1"');
  expect(metrics).not.toContain("bad");
  expect(metrics).toMatch(/satellite_peer_rtt_seconds\{node="node-0",peer="node-1",percentile="95"\} [0-9.e-]+/);

  const series = (await (await a.request("/history/series?metric=app.queueDepth&node=node-0&since=1h&step=1h")).json()) as SeriesBody;
  expect(series.metric).toBe("app.queueDepth");
  expect(series.points).toHaveLength(1);
  expect(series.points[0]).toMatchObject({ min: 7, max: 7 });
  expect(series.points[0]?.count).toBeGreaterThan(100);
  const rtt = (await (await a.request("/history/series?metric=peer.rttP95Ms&node=node-0&peer=node-1&since=1h&step=1h")).json()) as SeriesBody;
  expect(rtt.points).toHaveLength(1);
  expect(rtt.points[0]?.min).toBeGreaterThan(0);
}, 60_000);
