import { describe, expect, test } from "bun:test";
import { peerLatencyKind, peerLatencyOptions } from "../../src/checkers/peer-latency.ts";
import { timeDriftKind, timeDriftOptions } from "../../src/checkers/time-drift.ts";
import { silentLogger } from "../../src/platform/logger.ts";
import { ManualClock } from "../../src/platform/manual-clock.ts";
import type { CheckerEnvironment, PeerLinkView } from "../../src/probes/checker.ts";
import { testEnv } from "./_helpers.ts";

const env = (peers: PeerLinkView[]): CheckerEnvironment => testEnv("/tmp", { nodeName: "n1" }, () => peers);
const ctx = { signal: new AbortController().signal, clock: new ManualClock(), logger: silentLogger };
const peer = (name: string, extra: Partial<PeerLinkView> = {}): PeerLinkView => ({ name, rttSamples: 20, p95RttMs: 1, probesInWindow: 20, lossPercent: 0, ...extra });

describe("latency (from gossip probes)", () => {
  const run = (peers: PeerLinkView[], options = {}) => peerLatencyKind().create(peerLatencyOptions().parse(options), env(peers))(ctx);
  test("fast peers: one running outcome with the worst p95", async () => {
    expect(await run([peer("a", { p95RttMs: 2.5 }), peer("b")])).toEqual([
      { status: "running", detail: "2 peer(s), worst p95 round trip 2.5 ms", data: { peers: 2, worstP95Ms: 2.5 }, metrics: { worstP95Ms: 2.5 } },
    ]);
  });
  test("a slow peer and a lossy peer are warnings naming the peer", async () => {
    const outcomes = await run([peer("slow", { p95RttMs: 40 }), peer("lossy", { lossPercent: 35 }), peer("few", { p95RttMs: 99, rttSamples: 2 })]);
    expect(outcomes.map((o) => [o.status, o.severity, o.detail])).toEqual([["failed", "warning", "slow"], ["failed", "warning", "lossy"]]);
    expect(outcomes[0]?.error).toBe("p95 round trip to slow is 40.0 ms, above 15 ms");
    expect(outcomes[1]?.error).toBe("35 % of probes to lossy got no answer over the last 20, above 20 %");
  });
  test("no gossip, no peers: running", async () => {
    expect((await peerLatencyKind().create(peerLatencyOptions().parse({}), { ...env([]), peers: undefined })(ctx))[0]?.status).toBe("running");
  });
  test("thresholds are options; unknown options are rejected", () => {
    expect(peerLatencyOptions().parse({ p95WarningMs: 50 }).p95WarningMs).toBe(50);
    expect(peerLatencyOptions().safeParse({ p95: 1 }).success).toBe(false);
  });
});

describe("time-drift (clock in gossip acks)", () => {
  const run = (peers: PeerLinkView[]) => timeDriftKind().create(timeDriftOptions().parse({}), env(peers))(ctx);
  test("within 300 ms: running; peers without a clock are skipped", async () => {
    const [o] = await run([peer("a", { clockOffsetMs: 120 }), peer("serf-peer")]);
    expect(o).toMatchObject({ status: "running", detail: "1 peer(s) measured, largest offset 120 ms" });
  });
  test("a peer off by more than 300 ms fails, critical, naming it and the direction", async () => {
    const outcomes = await run([peer("ahead", { clockOffsetMs: 1500 }), peer("behind", { clockOffsetMs: -400 }), peer("ok", { clockOffsetMs: 10 })]);
    expect(outcomes.map((o) => [o.status, o.severity, o.detail, o.error])).toEqual([
      ["failed", undefined, "ahead", "clock of ahead is 1500 ms ahead of this node, above 300 ms"],
      ["failed", undefined, "behind", "clock of behind is 400 ms behind this node, above 300 ms"],
    ]);
  });
});
