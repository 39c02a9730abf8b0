import { describe, expect, test } from "bun:test";
import type { V1Pod } from "@kubernetes/client-node";
import { overlayVerdict, type OverlayThresholds } from "../../src/checkers/_overlay-verdict.ts";
import { overlayKind, overlayOptions } from "../../src/checkers/overlay.ts";
import type { KubeApi, KubeConnector } from "../../src/kube/kube-api.ts";
import { NETHEALTH_PEERS_MAX, NETHEALTH_REPORT_BYTES_MAX, type NethealthReport, type PeerEchoReport } from "../../src/nethealth/peer-report.ts";
import type { HttpFetch, HttpRequest } from "../../src/platform/http-fetch.ts";
import { silentLogger } from "../../src/platform/logger.ts";
import { ManualClock } from "../../src/platform/manual-clock.ts";
import type { PeerLinkView } from "../../src/probes/checker.ts";
import { testEnv } from "./_helpers.ts";

const thresholds: OverlayThresholds = { lossFailPercent: 20, hostLossOkPercent: 10, samplesMin: 5, p95WarningMs: 100 };
const pod = (name: string, lossPercent: number, extra: Partial<PeerEchoReport> = {}): PeerEchoReport => ({
  name,
  addr: `10.244.0.${name.length}:7580`,
  probesInWindow: 60,
  lostInWindow: Math.round((lossPercent * 60) / 100),
  lossPercent,
  rttP50Ms: lossPercent === 100 ? undefined : 0.4,
  rttP95Ms: lossPercent === 100 ? undefined : 0.9,
  requestsTotal: 100,
  repliesTotal: 90,
  lostTotal: 10,
  lateRepliesTotal: 0,
  ...extra,
});
const host = (name: string, lossPercent: number | undefined = 0, rttSamples = 20): PeerLinkView => ({ name, rttSamples, p50RttMs: 0.3, p95RttMs: 0.5, lossPercent, probesInWindow: 20 });
const report = (peers: PeerEchoReport[]): NethealthReport => ({ node: "n1", intervalMs: 1000, timeoutMs: 1000, windowProbes: 60, peers });

describe("overlay verdict: pod network against host network", () => {
  test("both networks reach every peer: one running outcome with the worst loss and p95", () => {
    expect(overlayVerdict(report([pod("n2", 0), pod("n3", 5)]), [host("n2"), host("n3")], thresholds)).toEqual([
      { status: "running", detail: "2 of 2 peer(s) reached over the pod network, worst loss 5 %, worst p95 0.9 ms", data: { peers: 2, measured: 2, bothDown: 0 }, metrics: { worstLossPercent: 5, worstP95Ms: 0.9 } },
    ]);
  });

  test("the pod network loses a peer gossip reaches: failed (the entry's severity), detail = the peer, saying both sides", () => {
    const outcomes = overlayVerdict(report([pod("n2", 100), pod("n3", 0)]), [host("n2", 0), host("n3")], thresholds);
    expect(outcomes.map((o) => [o.status, o.severity, o.detail])).toEqual([["failed", undefined, "n2"]]);
    expect(outcomes[0]?.error).toBe("pod network to n2 (10.244.0.2:7580) lost 100 % of the last 60 echoes, above 20 %, while gossip over the host network reaches it (0 % lost)");
  });

  test("gossip's window not full yet (loss unknown) but round trips measured: the host network counts as working", () => {
    expect(overlayVerdict(report([pod("n2", 100)]), [host("n2", undefined, 3)], thresholds)[0]?.status).toBe("failed");
  });

  test("a peer neither network reaches is not the overlay's fault: running, named in the detail", () => {
    for (const hostPeers of [[], [host("n2", 60)], [host("n2", 0, 0)]]) {
      const [outcome] = overlayVerdict(report([pod("n2", 100), pod("n3", 0)]), hostPeers, thresholds);
      expect(outcome?.status).toBe("running");
      expect(outcome?.detail).toBe("1 of 2 peer(s) reached over the pod network, worst loss 100 %, worst p95 0.9 ms; unreachable over the host network too (not an overlay fault): n2");
    }
  });

  test("at the threshold is not broken; above it is; peers with too few echoes are not judged yet", () => {
    expect(overlayVerdict(report([pod("n2", 20)]), [host("n2")], thresholds)[0]?.status).toBe("running");
    expect(overlayVerdict(report([pod("n2", 21)]), [host("n2")], thresholds)[0]?.status).toBe("failed");
    const [young] = overlayVerdict(report([pod("n2", 100, { probesInWindow: 4 })]), [host("n2")], thresholds);
    expect(young).toMatchObject({ status: "running", detail: "0 of 1 peer(s) reached over the pod network, worst loss 0 %, worst p95 0.0 ms; 1 with fewer than 5 echoes yet" });
  });

  test("a slow pod network to a peer is a warning", () => {
    const [outcome] = overlayVerdict(report([pod("n2", 0, { rttP95Ms: 250 })]), [host("n2")], thresholds);
    expect(outcome).toMatchObject({ status: "failed", severity: "warning", detail: "n2", error: "p95 round trip over the pod network to n2 is 250.0 ms, above 100 ms" });
  });

  test("at most 100 outcomes", () => {
    const peers = Array.from({ length: 300 }, (_, i) => `p${i}`);
    expect(overlayVerdict(report(peers.map((p) => pod(p, 100))), peers.map((p) => host(p)), thresholds).length).toBe(100);
  });
});

const ctx = { signal: new AbortController().signal, clock: new ManualClock(), logger: silentLogger };
const answer = (body: string, status = 200): HttpFetch => async () => new Response(body, { status });

async function run(options: Record<string, unknown>, http: HttpFetch, hostPeers: PeerLinkView[] = [], kube?: KubeConnector) {
  const kind = overlayKind({ http, kube: kube ?? { connect: async () => Promise.reject(new Error("no API in this test")) } });
  return kind.create(overlayOptions().parse(options), testEnv("/tmp", { nodeName: "n1" }, () => hostPeers))(ctx);
}

describe("overlay check: reading nethealth", () => {
  const url = "http://127.0.0.1:7580/peers";

  test("a report with a broken peer fails it; the report is fetched from the url", async () => {
    const seen: HttpRequest[] = [];
    const http: HttpFetch = async (request) => (seen.push(request), new Response(JSON.stringify(report([pod("n2", 100)]))));
    const outcomes = await run({ url }, http, [host("n2")]);
    expect(seen.map((r) => r.url)).toEqual([url]);
    expect(outcomes.map((o) => [o.status, o.detail])).toEqual([["failed", "n2"]]);
  });

  test("nethealth not answering, answering 500, not JSON, not a report, or too large: failed, saying which", async () => {
    const refused: HttpFetch = async () => Promise.reject(Object.assign(new Error("Unable to connect"), { code: "ConnectionRefused" }));
    expect((await run({ url }, refused))[0]).toMatchObject({ status: "failed", error: `GET ${url} failed: connection refused`, detail: "is satellite nethealth running on this node?" });
    expect((await run({ url }, answer("boom", 500)))[0]?.error).toBe(`nethealth at ${url} answered 500: "boom"`);
    expect((await run({ url }, answer("<html>")))[0]?.error).toStartWith(`nethealth report at ${url} is not JSON: `);
    expect((await run({ url }, answer(JSON.stringify({ node: "n1" }))))[0]?.error).toBe(`nethealth report at ${url} is not valid: intervalMs: Invalid input: expected number, received undefined`);
    const tooMany = report(Array.from({ length: NETHEALTH_PEERS_MAX + 1 }, (_, i) => pod(`p${i}`, 0)));
    expect((await run({ url }, answer(JSON.stringify(tooMany))))[0]?.error).toStartWith(`nethealth report at ${url} is not valid: peers: `);
    const badLoss = report([pod("n2", 0, { lossPercent: 1e9 })]);
    expect((await run({ url }, answer(JSON.stringify(badLoss))))[0]?.error).toStartWith(`nethealth report at ${url} is not valid: peers.0.lossPercent: `);
    const huge = `{"pad":"${"x".repeat(NETHEALTH_REPORT_BYTES_MAX)}"}`;
    expect((await run({ url }, answer(huge)))[0]?.error).toBe(`nethealth report at ${url} is larger than ${NETHEALTH_REPORT_BYTES_MAX} bytes`);
  });

  test("without a url: this node's running nethealth pod, found by label through the Kubernetes API", async () => {
    const listed: string[] = [];
    const pods: V1Pod[] = [
      { spec: { nodeName: "n2", containers: [] }, status: { phase: "Running", podIP: "10.244.2.7" } },
      { spec: { nodeName: "n1", containers: [] }, status: { phase: "Pending", podIP: "10.244.1.6" } },
      { spec: { nodeName: "n1", containers: [] }, status: { phase: "Running", podIP: "10.244.1.7" } },
    ];
    const kube: KubeConnector = { connect: async () => ({ listPods: async (ns: string, selector?: string) => (listed.push(`${ns} ${selector}`), { items: pods }) }) as unknown as KubeApi };
    const seen: string[] = [];
    const http: HttpFetch = async (request) => (seen.push(request.url), new Response(JSON.stringify(report([pod("n2", 0)]))));
    expect((await run({}, http, [host("n2")], kube))[0]?.status).toBe("running");
    expect(listed).toEqual(["satellite app.kubernetes.io/name=satellite-nethealth"]);
    expect(seen).toEqual(["http://10.244.1.7:7580/peers"]);
  });

  test("no nethealth pod on this node, or no API: failed, saying what to do", async () => {
    const none: KubeConnector = { connect: async () => ({ listPods: async () => ({ items: [] }) }) as unknown as KubeApi };
    expect((await run({ namespace: "net" }, answer("{}"), [], none))[0]).toMatchObject({
      status: "failed",
      error: "no running nethealth pod (app.kubernetes.io/name=satellite-nethealth) in net on node n1",
      detail: "deploy deploy/kubernetes/nethealth.yaml, or check why its pod is not running on this node",
    });
    expect((await run({}, answer("{}")))[0]?.error).toBe("cannot list the nethealth pods (app.kubernetes.io/name=satellite-nethealth) in satellite: no API in this test");
  });

  test("options: thresholds within range, unknown keys refused", () => {
    expect(overlayOptions().safeParse({ lossFailPercent: 101 }).success).toBe(false);
    expect(overlayOptions().safeParse({ url: "ftp://x" }).success).toBe(false);
    expect(overlayOptions().safeParse({ loss: 1 }).success).toBe(false);
  });
});
