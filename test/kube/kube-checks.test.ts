import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { kubeCanaryKind } from "../../src/checkers/kube-canary.ts";
import { kubeNodeConditionsKind } from "../../src/checkers/kube-node-conditions.ts";
import { kubeSystemPodsKind } from "../../src/checkers/kube-system-pods.ts";
import { createKubeConnector } from "../../src/kube/kube-api.ts";
import { createRestKubeConnector } from "../../src/kube/rest-connector.ts";
import { bunHttpFetch } from "../../src/platform/http-fetch.ts";
import { type TestPki, hasOpenssl, makeTestPki } from "../checkers/_certs.ts";
import { runOnce, testEnv } from "../checkers/_helpers.ts";
import { type FakeApiServer, kubeconfigYaml, startFakeApiServer } from "./fake-apiserver.ts";

// The API server here is a local HTTPS Bun.serve replaying representative API responses
// (test/fixtures/kube), because no real API server runs on this machine.
// Both connectors (client-node with the Bun fetch wrapper, and the small REST client) run the same suite.
const CONNECTORS = [
  ["client-node", createKubeConnector(bunHttpFetch)],
  ["rest", createRestKubeConnector(bunHttpFetch)],
] as const;

for (const [connectorName, connector] of CONNECTORS) {
const deps = { kube: connector };

describe.skipIf(!hasOpenssl())(`${connectorName}: Kubernetes checks over client-certificate TLS`, () => {
  let dir = "";
  let pki: TestPki;
  let api: FakeApiServer;
  let kubeconfig = "";

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "satellite-kube-"));
    pki = makeTestPki(dir);
    api = startFakeApiServer({ pki, auth: "cert", leftoverDeployments: ["satellite-canary-node-1"] });
    kubeconfig = join(dir, "kubeconfig");
    writeFileSync(kubeconfig, kubeconfigYaml(api.url, pki, { kind: "cert" }));
  });
  afterAll(() => {
    api.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test("node conditions: a healthy node (with NPD conditions) -> running", async () => {
    const outcomes = await runOnce(kubeNodeConditionsKind(deps), {}, testEnv(dir, { kubeconfig, nodeName: "node-1" }));
    expect(outcomes).toEqual([expect.objectContaining({ status: "running" })]);
  });

  test("node conditions: NotReady and DiskPressure critical, KernelDeadlock warning", async () => {
    const outcomes = await runOnce(kubeNodeConditionsKind(deps), { nodeName: "node-2", kubeconfig }, testEnv(dir));
    expect(outcomes.map((o) => [o.detail, o.severity])).toEqual([
      ["KernelDeadlock", "warning"],
      ["DiskPressure", "critical"],
      ["Ready", "critical"],
    ]);
    expect(outcomes[2]?.error).toBe("node node-2 condition Ready is Unknown, expected True (NodeStatusUnknown: Kubelet stopped posting node status.)");
  });

  test("node conditions: an unregistered node -> failed with the API's message", async () => {
    const [o] = await runOnce(kubeNodeConditionsKind(deps), { nodeName: "node-9", kubeconfig }, testEnv(dir));
    expect(o?.error).toBe('cannot read node node-9 from the API server: API answered 404: nodes "node-9" not found');
  });

  test("system pods: one warning per unhealthy pod, healthy and completed pods ignored", async () => {
    const outcomes = await runOnce(kubeSystemPodsKind(deps), { kubeconfig }, testEnv(dir));
    expect(outcomes.map((o) => o.detail)).toEqual([
      "kube-system/metrics-server-6d94bc8694-k2v7n",
      "kube-system/dashboard-5b8d9c7f4-p8q9r",
      "kube-system/backup-28848000-abcde",
      "kube-system/cleanup-28848010-fghij",
    ]);
    expect(outcomes.every((o) => o.severity === "warning")).toBe(true);
    expect(outcomes[0]?.error).toContain("CrashLoopBackOff");
    expect(outcomes[3]?.error).toContain("exit code 2");
  });

  test("canary: removes the leftover, creates, waits for Running, deletes; reports latencies", async () => {
    const outcomes = await runOnce(kubeCanaryKind(deps), { kubeconfig, pollIntervalMs: 10, replicas: 3 }, testEnv(dir, { nodeName: "node-1" }));
    expect(outcomes).toHaveLength(1);
    const o = outcomes[0];
    expect(o?.status).toBe("running");
    const data = o?.data as { schedulingLatencyMs: number; runningLatencyMs: number; replicas: number; leftoversRemoved: number };
    expect(data.leftoversRemoved).toBe(1);
    expect(data.replicas).toBe(3);
    expect(data.runningLatencyMs).toBeGreaterThanOrEqual(data.schedulingLatencyMs);
    expect(api.deployments.size).toBe(0);
    const calls = api.requests.filter((r) => r.path.includes("satellite-canary") || r.path.includes("/deployments")).map((r) => `${r.method} ${r.path.split("?")[0]}`);
    expect(calls[0]).toBe("GET /apis/apps/v1/namespaces/default/deployments");
    expect(calls[1]).toBe("DELETE /apis/apps/v1/namespaces/default/deployments/satellite-canary-node-1");
    expect(calls[2]).toBe("POST /apis/apps/v1/namespaces/default/deployments");
    expect(calls.at(-1)).toBe("DELETE /apis/apps/v1/namespaces/default/deployments/satellite-canary-node-1");
  });

  test("kubeconfig with embedded *-data certificates (as kubeadm writes them)", async () => {
    const b64 = (path: string) => Buffer.from(readFileSync(path)).toString("base64");
    const embedded = kubeconfigYaml(api.url, pki, { kind: "cert" })
      .replace(`certificate-authority: ${pki.caFile}`, `certificate-authority-data: ${b64(pki.caFile)}`)
      .replace(`client-certificate: ${pki.clientCertFile}`, `client-certificate-data: ${b64(pki.clientCertFile)}`)
      .replace(`client-key: ${pki.clientKeyFile}`, `client-key-data: ${b64(pki.clientKeyFile)}`);
    expect(embedded).not.toContain(dir);
    const path = join(dir, "kubeconfig-embedded");
    writeFileSync(path, embedded);
    const [o] = await runOnce(kubeNodeConditionsKind(deps), { kubeconfig: path, nodeName: "node-1" }, testEnv(dir));
    expect(o?.status).toBe("running");
  });

  test("missing kubeconfig file -> failed naming it", async () => {
    const [o] = await runOnce(kubeNodeConditionsKind(deps), { kubeconfig: join(dir, "missing") }, testEnv(dir));
    expect(o?.status).toBe("failed");
    expect(o?.error).toContain(join(dir, "missing"));
  });

  test("a kubeconfig without the client certificate is refused by the server", async () => {
    const noCert = join(dir, "kubeconfig-nocert");
    writeFileSync(noCert, kubeconfigYaml(api.url, pki, { kind: "token", token: "x" }));
    const [o] = await runOnce(kubeNodeConditionsKind(deps), { kubeconfig: noCert, nodeName: "node-1" }, testEnv(dir));
    expect(o?.status).toBe("failed");
  });
});

describe.skipIf(!hasOpenssl())(`${connectorName}: Kubernetes checks with a bearer token`, () => {
  let dir = "";
  let pki: TestPki;
  let api: FakeApiServer;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "satellite-kube-token-"));
    pki = makeTestPki(dir);
    api = startFakeApiServer({ pki, auth: "token", token: "s3cr3t", pollsUntilScheduled: 0, pollsUntilRunning: Number.POSITIVE_INFINITY });
  });
  afterAll(() => {
    api.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test("token and insecure-skip-tls-verify from the kubeconfig are honoured", async () => {
    const kubeconfig = join(dir, "kc");
    writeFileSync(kubeconfig, kubeconfigYaml(api.url, pki, { kind: "token", token: "s3cr3t", insecure: true }));
    const [o] = await runOnce(kubeNodeConditionsKind(deps), { kubeconfig, nodeName: "node-1" }, testEnv(dir));
    expect(o?.status).toBe("running");
    expect(api.requests.at(-1)?.authorization).toBe("Bearer s3cr3t");
  });

  test("wrong token -> 401 reported", async () => {
    const kubeconfig = join(dir, "kc-bad");
    writeFileSync(kubeconfig, kubeconfigYaml(api.url, pki, { kind: "token", token: "wrong" }));
    const [o] = await runOnce(kubeSystemPodsKind(deps), { kubeconfig }, testEnv(dir));
    expect(o?.error).toBe("cannot list pods in kube-system: API answered 401: Unauthorized (check the credentials in the kubeconfig)");
  });

  test("canary pods that never start: fails after readyTimeoutMs and still deletes the deployment", async () => {
    const kubeconfig = join(dir, "kc");
    const [o] = await runOnce(kubeCanaryKind(deps), { kubeconfig, pollIntervalMs: 20, readyTimeoutMs: 200 }, testEnv(dir, { nodeName: "node-7" }));
    expect(o?.status).toBe("failed");
    expect(o?.error).toContain("canary pods not running after 200 ms");
    expect(o?.detail).toContain("scheduled but did not start");
    expect(api.deployments.size).toBe(0);
  });

  test("canary aborted mid-wait: resolves promptly and deletes in the background", async () => {
    const kubeconfig = join(dir, "kc");
    const controller = new AbortController();
    const run = runOnce(kubeCanaryKind(deps), { kubeconfig, pollIntervalMs: 20 }, testEnv(dir, { nodeName: "node-8" }), controller.signal);
    const deadline = Date.now() + 5000;
    while (api.deployments.size === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    controller.abort();
    const [o] = await run;
    expect(o?.status).toBe("failed");
    const until = Date.now() + 5000;
    while (api.deployments.size > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 5));
    expect(api.deployments.size).toBe(0);
  });
});
}
