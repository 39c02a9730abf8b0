import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { kubeCriticalPodsKind } from "../../src/checkers/kube-critical-pods.ts";
import { kubeNodesReadyKind } from "../../src/checkers/kube-nodes-ready.ts";
import { createKubeConnector } from "../../src/kube/kube-api.ts";
import { createRestKubeConnector } from "../../src/kube/rest-connector.ts";
import { bunHttpFetch } from "../../src/platform/http-fetch.ts";
import { type TestPki, hasOpenssl, makeTestPki } from "../checkers/_certs.ts";
import { optionErrors, runOnce, testEnv } from "../checkers/_helpers.ts";
import { type FakeApiServer, kubeconfigYaml, startFakeApiServer } from "./fake-apiserver.ts";

// The API server is a local HTTPS server replaying responses recorded from a real one
// (test/fixtures/kube: nodes.json, pods-critical.json), applying label selectors as the API does.
const CONNECTORS = [
  ["client-node", createKubeConnector(bunHttpFetch, {})],
  ["rest", createRestKubeConnector(bunHttpFetch, {})],
] as const;

for (const [connectorName, connector] of CONNECTORS) {
  const deps = { kube: connector };

  describe.skipIf(!hasOpenssl())(`${connectorName}: cluster-wide checks`, () => {
    let dir = "";
    let pki: TestPki;
    let api: FakeApiServer;
    let kubeconfig = "";

    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), "satellite-kube-cluster-"));
      pki = makeTestPki(dir);
      api = startFakeApiServer({ pki, auth: "token", token: "t0ken" });
      kubeconfig = join(dir, "kubeconfig");
      writeFileSync(kubeconfig, kubeconfigYaml(api.url, pki, { kind: "token", token: "t0ken" }));
    });
    afterAll(() => {
      api.stop();
      rmSync(dir, { recursive: true, force: true });
    });

    test("nodes ready: 2 of 3 Ready meets the default threshold of one, with the counts as numbers", async () => {
      const [o] = await runOnce(kubeNodesReadyKind(deps), {}, testEnv(dir, { kubeconfig }));
      expect(o).toMatchObject({ status: "running", detail: "2 of 3 nodes Ready", metrics: { nodes_ready: 2, nodes_total: 3 } });
    });

    test("nodes ready: below the count or the share fails naming the node that is not Ready and why", async () => {
      const [byCount] = await runOnce(kubeNodesReadyKind(deps), { minReady: 3 }, testEnv(dir, { kubeconfig }));
      expect(byCount?.status).toBe("failed");
      expect(byCount?.error).toBe("not enough ready nodes: 2 of 3 Ready, at least 3 needed; not ready: node-2 Ready is Unknown (NodeStatusUnknown: Kubelet stopped posting node status.)");
      expect(byCount?.detail).toBe("node-2");
      const [byShare] = await runOnce(kubeNodesReadyKind(deps), { minReady: 1, minReadyPercent: 90 }, testEnv(dir, { kubeconfig }));
      expect(byShare?.error).toStartWith("not enough ready nodes: 2 of 3 Ready, at least 3 (90% of 3) needed");
      const [share66] = await runOnce(kubeNodesReadyKind(deps), { minReadyPercent: 66 }, testEnv(dir, { kubeconfig }));
      expect(share66?.status).toBe("running");
    });

    test("nodes ready: the label selector is sent, so only the selected nodes count", async () => {
      const [o] = await runOnce(kubeNodesReadyKind(deps), { labelSelector: "node-role.kubernetes.io/control-plane", minReady: 1 }, testEnv(dir, { kubeconfig }));
      expect(o?.detail).toBe("1 of 1 nodes matching node-role.kubernetes.io/control-plane Ready");
      expect(api.requests.at(-1)?.path).toBe("/api/v1/nodes?labelSelector=node-role.kubernetes.io%2Fcontrol-plane");
    });

    test("critical pods: across namespaces, one warning per unhealthy pod; completed and healthy ones and unlabelled pods ignored", async () => {
      const outcomes = await runOnce(kubeCriticalPodsKind(deps), {}, testEnv(dir, { kubeconfig }));
      expect(outcomes.map((o) => [o.detail, o.severity])).toEqual([
        ["monitoring/prometheus-k8s-0", "warning"],
        ["logging/log-forwarder-x7k2p", "warning"],
      ]);
      expect(outcomes[0]?.error).toContain("critical pod monitoring/prometheus-k8s-0: container");
      expect(outcomes[0]?.error).toContain("CrashLoopBackOff");
      expect(api.requests.at(-1)?.path).toBe("/api/v1/pods?labelSelector=gravitational.io%2Fcritical-pod");
    });

    test("critical pods: another label and one namespace", async () => {
      const [o] = await runOnce(kubeCriticalPodsKind(deps), { labelSelector: "k8s-app=coredns", namespace: "kube-system" }, testEnv(dir, { kubeconfig }));
      expect(o).toMatchObject({ status: "running", detail: "1 pods k8s-app=coredns in namespace kube-system healthy" });
      expect(api.requests.at(-1)?.path).toBe("/api/v1/namespaces/kube-system/pods?labelSelector=k8s-app%3Dcoredns");
    });

    test("an API server that refuses is a failed probe saying what to check", async () => {
      const bad = join(dir, "kubeconfig-bad-token");
      writeFileSync(bad, kubeconfigYaml(api.url, pki, { kind: "token", token: "wrong" }));
      const [nodes] = await runOnce(kubeNodesReadyKind(deps), { kubeconfig: bad }, testEnv(dir));
      expect(nodes?.error).toStartWith("cannot list nodes: API answered 401");
      const [pods] = await runOnce(kubeCriticalPodsKind(deps), { kubeconfig: bad }, testEnv(dir));
      expect(pods?.error).toStartWith("cannot list pods gravitational.io/critical-pod in all namespaces: API answered 401");
    });
  });
}

test("an answer that is not a list is a failed probe, not a crash", async () => {
  const kube = { connect: async () => ({ listNodes: async () => ({ kind: "Status" }), listPodsInAllNamespaces: async () => ({ items: "x" }) }) } as never;
  const [nodes] = await runOnce(kubeNodesReadyKind({ kube }), {}, testEnv("/tmp"));
  expect(nodes?.error).toBe("cannot list nodes: the API answered something other than a NodeList");
  const [pods] = await runOnce(kubeCriticalPodsKind({ kube }), {}, testEnv("/tmp"));
  expect(pods?.error).toBe("cannot list pods gravitational.io/critical-pod in all namespaces: the API answered something other than a PodList");
});

test("options are bounded and named", () => {
  expect(optionErrors(kubeNodesReadyKind({ kube: CONNECTORS[1][1] }), { minReadyPercent: 120 }).join()).toContain("minReadyPercent");
  expect(optionErrors(kubeNodesReadyKind({ kube: CONNECTORS[1][1] }), { minReady: -1 }).join()).toContain("minReady");
  expect(optionErrors(kubeCriticalPodsKind({ kube: CONNECTORS[1][1] }), { namespace: "Not_A_Namespace" }).join()).toContain("namespace");
});
