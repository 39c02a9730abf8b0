import { describe, expect, test } from "bun:test";
import { createLocalDetails } from "../../src/cluster/node-details.ts";
import { PROBE_SYNC_LIMITS as L, type NodeDetailsReply } from "../../src/cluster/probe-sync-messages.ts";
import { decodeSatelliteMessage, encodeSatelliteMessage } from "../../src/cluster/probe-sync-wire.ts";
import { createRemoteDetails } from "../../src/cluster/remote-details.ts";
import type { NodeStatusJson } from "../../src/cluster/status-json.ts";
import { createEventStream } from "../../src/events/event-stream.ts";
import { silentLogger } from "../../src/platform/logger.ts";
import { ManualClock } from "../../src/platform/manual-clock.ts";

const node = (name: string): NodeStatusJson => ({ name, status: "degraded", probes: [{ checker: "docker", status: "failed" }] });

const reply = (owner: string, error: string): NodeDetailsReply => ({
  type: "nodeDetailsReply",
  owner,
  probes: [{ checker: "docker", status: "failed", error, checkerData: "eyJ1cCI6ZmFsc2V9" }],
  peers: [{ name: "x", rttSamples: 3, p95RttMs: 1.25 }],
  metrics: [{ probe: "docker", name: "pingMs", value: 4 }],
});

describe("details on demand over gossip", () => {
  test("asks live Satellite nodes only, caches answers and failures, and keeps what gossip brought when a node does not answer", async () => {
    const clock = new ManualClock();
    const asked: string[] = [];
    const details = createRemoteDetails({
      clock,
      timeoutMs: 500,
      cacheMs: 5000,
      concurrency: 8,
      askable: (name) => name !== "serf-1",
      local: () => reply("self", "local error"),
      request: async (name) => {
        asked.push(name);
        if (name === "b") throw new Error("stream timed out");
        return reply(name, `error on ${name}`);
      },
    });
    const nodes = ["self", "a", "b", "serf-1"].map(node);
    const out = await details.enrich(nodes, "self");
    expect(asked).toEqual(["a", "b"]);
    expect(out[0]).toMatchObject({ probes: [{ error: "local error" }] });
    expect(out[1]).toMatchObject({
      probes: [{ checker: "docker", status: "failed", error: "error on a", checker_data: "eyJ1cCI6ZmFsc2V9" }],
      peers: [{ name: "x", rtt_samples: 3, rtt_p95_ms: 1.25 }],
      metrics: [{ probe: "docker", name: "pingMs", value: 4 }],
    });
    expect(out[2]).toEqual(nodes[2]!);
    expect(out[3]).toEqual(nodes[3]!);
    await details.enrich(nodes, "self");
    expect(asked).toHaveLength(2);
    await clock.advance(6000);
    await details.enrich(nodes, "self");
    expect(asked).toHaveLength(4);
  });

  test("a large cluster is asked a bounded number at a time", async () => {
    const clock = new ManualClock();
    let inFlight = 0;
    let peak = 0;
    const release: (() => void)[] = [];
    const details = createRemoteDetails({
      clock,
      timeoutMs: 500,
      cacheMs: 5000,
      concurrency: 4,
      askable: () => true,
      local: () => reply("self", "x"),
      request: (name) => {
        inFlight++;
        peak = Math.max(peak, inFlight);
        return new Promise((resolve) => release.push(() => (inFlight--, resolve(reply(name, "e")))));
      },
    });
    const done = details.enrich(Array.from({ length: 20 }, (_, i) => node(`n${i}`)), "self");
    for (let i = 0; i < 40; i++) {
      await Promise.resolve();
      release.shift()?.();
    }
    expect((await done).every((n) => n.probes?.[0]?.error === "e")).toBe(true);
    expect(peak).toBe(4);
  });

  test("a node's own answer is one bounded piece, however large its probes", () => {
    const events = createEventStream({ clock: new ManualClock(), logger: silentLogger });
    const huge = "x".repeat(4096);
    const local = createLocalDetails({
      name: "n1",
      events,
      probes: () => Array.from({ length: 200 }, (_, i) => ({ checker: `check-${i}`, status: "failed" as const, error: huge, detail: huge, checker_data: Buffer.from(huge).toString("base64") })),
      peers: () => Array.from({ length: 300 }, (_, i) => ({ name: `peer-${i}`.padEnd(400, "p"), rttSamples: 20, p95RttMs: 1, probesInWindow: 20, lastSeenMs: 0 })),
    });
    events.publish({ type: "ProbeRun", node: "n1", probe: "check-0", checkKind: "script", startedAtMs: 0, durationMs: 1, lagMs: 0, status: "failed", severity: "critical", outcomes: [{ status: "failed", metrics: { load1: 3.5, bad: Number.NaN } }] });
    const answer = local.reply();
    const bytes = encodeSatelliteMessage(answer);
    expect(bytes.length).toBeLessThanOrEqual(L.pieceBytesMax);
    expect(decodeSatelliteMessage(bytes)).toEqual(answer);
    expect(answer.probes.length).toBeGreaterThan(0);
    expect(answer.metrics).toEqual([{ probe: "check-0", name: "load1", value: 3.5 }]);
    local.stop();
  });
});
