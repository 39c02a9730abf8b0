import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { NethealthReport } from "../../src/nethealth/peer-report.ts";
import { addSecondBridge, type SecondBridge } from "../support/netns-bridge.ts";
import { createTestNetwork, netnsUnavailableReason, type TestHost, type TestNetwork } from "../support/netns.ts";
import { waitFor } from "../support/processes.ts";

/**
 * Three hosts (network namespaces) on two bridges: eth0 is the host network gossip runs on,
 * pod0 plays the pod network `satellite nethealth` echoes over. Each host runs an agent whose
 * only check is `overlay`, reading its nethealth. Cutting one host's pod0 with iptables must
 * fail the overlay check while gossip keeps every member alive. Run from the sources, so the
 * test covers the code as it is (no build needed).
 */
const MAIN = join(import.meta.dir, "../../src/main.ts");
const unavailable = netnsUnavailableReason();
if (unavailable) console.warn(`SKIP test/netns/nethealth-overlay: ${unavailable}`);

interface ProbeJson {
  checker: string;
  status: string;
  detail?: string;
  error?: string;
}
interface StatusJson {
  status: string;
  nodes?: { name: string; member_status?: { status: string }; probes?: ProbeJson[] }[];
}

describe.skipIf(unavailable !== null)("nethealth and the overlay check in network namespaces", () => {
  let net: TestNetwork;
  let pods: SecondBridge;
  let hosts: TestHost[];
  const work = mkdtempSync(join(tmpdir(), "satellite-overlay-"));
  const logs = new Map<string, string[]>();

  /** Keeps the last lines a child wrote to stderr, for the failure message (and so its pipe never fills). */
  function drain(label: string, stream: ReadableStream<Uint8Array>): void {
    const lines: string[] = [];
    logs.set(label, lines);
    void (async () => {
      const decoder = new TextDecoder();
      for await (const chunk of stream) {
        lines.push(...decoder.decode(chunk).split("\n").filter((l) => l !== ""));
        lines.splice(0, Math.max(0, lines.length - 20));
      }
    })();
  }
  const lastLogs = () => [...logs].map(([label, lines]) => `--- ${label}\n${lines.join("\n")}`).join("\n");

  async function status(host: TestHost): Promise<StatusJson | undefined> {
    const result = await net.exec(host, [process.execPath, MAIN, "status"], 10_000);
    try {
      return JSON.parse(result.stdout) as StatusJson;
    } catch {
      return undefined;
    }
  }
  async function nethealthReport(host: TestHost): Promise<NethealthReport> {
    const result = await net.exec(host, ["curl", "-sf", "http://127.0.0.1:7580/peers"], 5_000);
    return JSON.parse(result.stdout) as NethealthReport;
  }

  /** The overlay probes every host reports for itself, as "host: detail=status" (running ones without detail). */
  async function overlayProbes(): Promise<Record<string, string[]>> {
    const out: Record<string, string[]> = {};
    for (const host of hosts) {
      const self = (await status(host))?.nodes?.find((n) => n.name === host.name);
      out[host.name] = (self?.probes ?? []).filter((p) => p.checker === "overlay").map((p) => `${p.detail && p.status === "failed" ? p.detail : "-"}=${p.status}`).sort();
    }
    return out;
  }
  async function eventuallyOverlay(expected: Record<string, string[]>, limitMs: number, what: string): Promise<void> {
    let last: Record<string, string[]> = {};
    try {
      await waitFor(async () => {
        last = await overlayProbes();
        return JSON.stringify(last) === JSON.stringify(expected);
      }, limitMs, what);
    } catch (error) {
      throw new Error(`${(error as Error).message}; last: ${JSON.stringify(last)}\n${lastLogs()}`);
    }
  }
  async function aliveEverywhere(): Promise<string[]> {
    const seen = await Promise.all(hosts.map(status));
    return seen.map((s, i) => `${hosts[i]!.name}:${(s?.nodes ?? []).filter((n) => n.member_status?.status === "alive").length}`);
  }

  beforeAll(async () => {
    net = await createTestNetwork({ hosts: 3, prefix: "satoverlay", subnet: 13, maxLifetimeMs: 170_000 });
    hosts = [...net.hosts];
    pods = await addSecondBridge(net, { ifname: "pod0", prefix24: "10.213.0" });
    const peerList = hosts.map((h) => `${h.name}:${pods.ipOf(h)}`).join(",");
    for (const host of hosts) {
      const config = join(work, `${host.name}.yaml`);
      // failuresBeforeCritical 2: one unlucky run is not enough; samplesMin 5 of a 10-echo window.
      writeFileSync(config, `defaultChecks: false\nchecks:\n  - {name: overlay, kind: overlay, url: "http://127.0.0.1:7580/peers", intervalMs: 1000, samplesMin: 5, failuresBeforeCritical: 2}\n`);
      const nethealth = net.spawn(host, [process.execPath, MAIN, "nethealth", "--name", host.name, "--echo-addr", `${pods.ipOf(host)}:7580`, "--http-addr", "127.0.0.1:7580", "--peers", peerList, "--interval", "200ms", "--timeout", "300ms", "--window", "10"], { stdout: "ignore", lifetimeMs: 160_000 });
      drain(`${host.name} nethealth`, nethealth.stderr);
      const argv = [process.execPath, MAIN, "agent", "--name", host.name, "--gossip-addr", `${host.ip}:7946`, "--state-dir", join(work, host.name), "--config", config];
      if (host.index > 0) argv.push("--initial-cluster", `${hosts[0]!.ip}:7946`);
      const agent = net.spawn(host, argv, { stdout: "ignore", lifetimeMs: 160_000 });
      drain(`${host.name} agent`, agent.stderr);
    }
    await eventuallyOverlay({ h0: ["-=running"], h1: ["-=running"], h2: ["-=running"] }, 40_000, "every overlay check to pass with both networks up");
  }, 60_000);

  afterAll(async () => {
    await net?.destroy();
    rmSync(work, { recursive: true, force: true });
  });

  test("nethealth reports every peer over the pod network: no loss, a round trip", async () => {
    // The window is the last 10 echoes (2 s); one echo slower than the 300 ms timeout on a busy
    // host counts as lost, so wait (bounded) for a window without loss on a healthy network.
    let report = await nethealthReport(hosts[0]!);
    await waitFor(async () => (report = await nethealthReport(hosts[0]!)).peers.every((p) => p.lossPercent === 0 && p.probesInWindow === 10 && p.rttP50Ms !== undefined), 20_000, "a full window of echoes without loss on the healthy pod network");
    expect(report.node).toBe("h0");
    expect(report.peers.map((p) => [p.name, p.addr, p.lossPercent])).toEqual([
      ["h1", "10.213.0.2:7580", 0],
      ["h2", "10.213.0.3:7580", 0],
    ]);
    expect(report.peers.every((p) => p.rttP50Ms !== undefined && p.probesInWindow === 10)).toBe(true);
  }, 30_000);

  test("h2's pod network cut: overlay fails on h2 for both peers and on the others for h2, gossip keeps everyone alive; restored, it passes again", async () => {
    const h2 = hosts[2]!;
    await pods.cut(h2);
    try {
      await eventuallyOverlay({ h0: ["h2=failed"], h1: ["h2=failed"], h2: ["h0=failed", "h1=failed"] }, 30_000, "the overlay checks to fail for h2's links");
      expect(await aliveEverywhere()).toEqual(["h0:3", "h1:3", "h2:3"]);
      // The check fails once loss is over 20 %; the 10-echo window (2 s) may still hold echoes
      // from before the cut then, so wait (bounded) for a window that is all after it.
      const h2ProbeError = async () => (await status(h2))?.nodes?.find((n) => n.name === "h2")?.probes?.find((p) => p.detail === "h0")?.error;
      let error = await h2ProbeError();
      await waitFor(async () => (error = await h2ProbeError())?.includes("lost 100 %") === true, 10_000, "h2's overlay check to see a whole window lost");
      expect(error).toMatch(/^pod network to h0 \(10\.213\.0\.1:7580\) lost 100 % of the last 10 echoes, above 20 %, while gossip over the host network reaches it \(0 % lost\)$/);
      let report = await nethealthReport(hosts[0]!);
      await waitFor(async () => (report = await nethealthReport(hosts[0]!)).peers.some((p) => p.name === "h2" && p.lossPercent === 100), 10_000, "h0's nethealth to see every echo to h2 lost");
      expect(report.peers.map((p) => [p.name, p.lossPercent])).toEqual([["h1", 0], ["h2", 100]]);
    } finally {
      await pods.restore(h2);
    }
    await eventuallyOverlay({ h0: ["-=running"], h1: ["-=running"], h2: ["-=running"] }, 30_000, "every overlay check to pass again");
    expect(await aliveEverywhere()).toEqual(["h0:3", "h1:3", "h2:3"]);
  }, 70_000);
});
