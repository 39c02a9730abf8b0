import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { dockerRegistryKind } from "../../src/checkers/docker-registry.ts";
import { kubeApiserverKind } from "../../src/checkers/kube-apiserver.ts";
import { kubeControllerManagerKind } from "../../src/checkers/kube-controller-manager.ts";
import { kubeSchedulerKind } from "../../src/checkers/kube-scheduler.ts";
import { kubeletKind } from "../../src/checkers/kubelet.ts";
import { systemHostFiles } from "../../src/platform/host-files.ts";
import { bunHttpFetch } from "../../src/platform/http-fetch.ts";
import { type TestPki, hasOpenssl, makeTestPki } from "./_certs.ts";
import { runOnce, testEnv } from "./_helpers.ts";
import { freePort } from "./_processes.ts";

const deps = { http: bunHttpFetch, files: systemHostFiles };
const env = testEnv("/tmp");

/** Answers like a Kubernetes component: /healthz and /readyz "ok", /sick 500 with the failing check. */
function componentFetch(request: Request): Response {
  const path = new URL(request.url).pathname;
  if (path === "/healthz" || path === "/readyz") return new Response("ok");
  if (path === "/v2/") return new Response("{}", { status: 401, headers: { "Docker-Distribution-API-Version": "registry/2.0" } });
  return new Response("[-]etcd failed: reason withheld\nhealthz check failed", { status: 500 });
}

describe("kubelet over plain HTTP", () => {
  let server: ReturnType<typeof Bun.serve>;
  beforeAll(() => {
    server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: componentFetch });
  });
  afterAll(() => server.stop(true));

  test("kubeletAddr from the agent, /healthz ok -> running", async () => {
    const [o] = await runOnce(kubeletKind(deps), {}, testEnv("/tmp", { kubeletAddr: `http://127.0.0.1:${server.port}` }));
    expect(o?.status).toBe("running");
    expect((o?.data as { url: string }).url).toBe(`http://127.0.0.1:${server.port}/healthz`);
  });

  test("500 with a reason -> failed quoting the body", async () => {
    const [o] = await runOnce(kubeletKind(deps), { url: `http://127.0.0.1:${server.port}/sick` }, env);
    expect(o?.status).toBe("failed");
    expect(o?.error).toContain("answered 500");
    expect(o?.error).toContain("etcd failed");
    expect(o?.detail).toContain("journalctl -u kubelet");
  });

  test("nothing listening -> failed", async () => {
    const [o] = await runOnce(kubeletKind(deps), {}, testEnv("/tmp", { kubeletAddr: `http://127.0.0.1:${freePort()}` }));
    expect(o?.status).toBe("failed");
    expect(o?.error).toContain("kubelet healthz check failed");
  });
});

describe.skipIf(!hasOpenssl())("HTTPS components with a self-signed certificate", () => {
  let dir = "";
  let pki: TestPki;
  let server: ReturnType<typeof Bun.serve>;
  let base = "";

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "satellite-healthz-"));
    pki = makeTestPki(dir);
    server = Bun.serve({
      hostname: "127.0.0.1",
      port: 0,
      tls: { cert: readFileSync(pki.serverCertFile, "utf8"), key: readFileSync(pki.serverKeyFile, "utf8") },
      fetch: componentFetch,
    });
    base = `https://127.0.0.1:${server.port}`;
  });
  afterAll(() => {
    server.stop(true);
    rmSync(dir, { recursive: true, force: true });
  });

  test.each([
    ["kube-scheduler", kubeSchedulerKind],
    ["kube-controller-manager", kubeControllerManagerKind],
    ["kube-apiserver", kubeApiserverKind],
  ] as const)("%s: unverified HTTPS by default -> running", async (_name, make) => {
    const path = _name === "kube-apiserver" ? "/readyz" : "/healthz";
    const [o] = await runOnce(make(deps), { url: `${base}${path}` }, env);
    expect(o?.status).toBe("running");
  });

  test("explicit tls block with verification and the right CA -> running; wrong CA -> failed", async () => {
    const good = await runOnce(kubeApiserverKind(deps), { url: `${base}/readyz`, tls: { caFile: pki.caFile } }, env);
    expect(good[0]?.status).toBe("running");
    const bad = await runOnce(kubeApiserverKind(deps), { url: `${base}/readyz`, tls: { caFile: pki.otherCaFile } }, env);
    expect(bad[0]?.status).toBe("failed");
  });

  test("default URLs are the components' well-known ports", async () => {
    const sched = kubeSchedulerKind(deps);
    const [o] = await runOnce(sched, {}, env);
    expect(o?.error ?? JSON.stringify(o?.data)).toContain("https://127.0.0.1:10259/healthz");
    const [cm] = await runOnce(kubeControllerManagerKind(deps), {}, env);
    expect(cm?.error ?? JSON.stringify(cm?.data)).toContain("https://127.0.0.1:10257/healthz");
  });

  test("docker-registry: 401 from a registry wanting credentials counts as up; 500 does not", async () => {
    const reg = dockerRegistryKind(deps);
    const [up] = await runOnce(reg, { address: base, tls: { caFile: pki.caFile } }, env);
    expect(up?.status).toBe("running");
    const [down] = await runOnce(reg, { address: `http://127.0.0.1:${freePort()}` }, env);
    expect(down?.status).toBe("failed");
    expect(down?.error).toContain("/v2/");
  });
});
