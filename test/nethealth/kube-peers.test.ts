import { describe, expect, test } from "bun:test";
import type { V1Pod } from "@kubernetes/client-node";
import type { KubeApi, KubeConnector } from "../../src/kube/kube-api.ts";
import { peersFromPods, startKubePeerRefresh } from "../../src/nethealth/kube-peers.ts";
import { silentLogger } from "../../src/platform/logger.ts";
import { ManualClock } from "../../src/platform/manual-clock.ts";

const pod = (node: string, ip: string | undefined, extra: { phase?: string; created?: string; deleting?: boolean } = {}): V1Pod => ({
  metadata: { name: `nethealth-${node}`, creationTimestamp: (extra.created ?? "2026-01-01T00:00:00Z") as unknown as Date, deletionTimestamp: extra.deleting ? (new Date() as Date) : undefined },
  spec: { nodeName: node, containers: [] },
  status: { phase: extra.phase ?? "Running", podIP: ip },
});

describe("peers from the DaemonSet's pods", () => {
  test("running pods on other nodes with an IP, named by node; the newest pod of a node during a rollout", () => {
    const pods = [
      pod("self", "10.244.0.5"),
      pod("n1", "10.244.1.5"),
      pod("n2", undefined),
      pod("n3", "10.244.3.5", { phase: "Pending" }),
      pod("n4", "10.244.4.5", { deleting: true }),
      pod("n5", "10.244.5.5", { created: "2026-01-01T00:00:00Z" }),
      pod("n5", "10.244.5.6", { created: "2026-01-02T00:00:00Z" }),
      pod("n6", "not-an-ip"),
      pod("n7", "fd00::7"),
    ];
    expect(peersFromPods(pods, { port: 7580, self: "self" })).toEqual([
      { name: "n1", ip: "10.244.1.5", port: 7580 },
      { name: "n5", ip: "10.244.5.6", port: 7580 },
      { name: "n7", ip: "fd00::7", port: 7580 },
    ]);
  });

  test("listed now and every interval through the label selector; a failed listing keeps the peers known so far", async () => {
    const clock = new ManualClock();
    const calls: string[] = [];
    let answer: () => Promise<{ items: V1Pod[] }> = async () => ({ items: [pod("n1", "10.244.1.5")] });
    const api = { listPods: async (namespace: string, selector?: string) => (calls.push(`${namespace} ${selector}`), answer()) } as unknown as KubeApi;
    const connector: KubeConnector = { connect: async () => api };
    const seen: string[][] = [];
    const refresh = startKubePeerRefresh({
      connector,
      kubeconfig: undefined,
      source: { namespace: "satellite", selector: "app=nethealth", port: 7580, self: "self" },
      clock,
      logger: silentLogger,
      intervalMs: 30_000,
      timeoutMs: 10_000,
      onPeers: (peers) => seen.push(peers.map((p) => p.name)),
    });
    await refresh.refreshed;
    expect(seen).toEqual([["n1"]]);
    answer = async () => {
      throw new Error("connection refused");
    };
    await clock.advance(30_000);
    expect(seen).toEqual([["n1"]]);
    answer = async () => ({ items: [pod("n1", "10.244.1.5"), pod("n2", "10.244.2.5")] });
    await clock.advance(30_000);
    expect(seen).toEqual([["n1"], ["n1", "n2"]]);
    expect(calls).toEqual(["satellite app=nethealth", "satellite app=nethealth", "satellite app=nethealth"]);
    refresh.stop();
    await clock.advance(60_000);
    expect(calls.length).toBe(3);
  });

  test("a listing that hangs is aborted at the timeout, and the next one is tried", async () => {
    const clock = new ManualClock();
    let aborted = 0;
    const connector: KubeConnector = {
      connect: (_k, signal) =>
        new Promise((_, reject) => {
          signal.addEventListener("abort", () => (aborted++, reject(signal.reason)), { once: true });
        }),
    };
    const refresh = startKubePeerRefresh({ connector, kubeconfig: undefined, source: { namespace: "s", selector: "a=b", port: 1, self: "x" }, clock, logger: silentLogger, intervalMs: 30_000, timeoutMs: 10_000, onPeers: () => undefined });
    await clock.advance(10_000);
    expect(aborted).toBe(1);
    await clock.advance(40_000);
    expect(aborted).toBe(2);
    refresh.stop();
  });
});
