import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { etcdHealthzKind, isHealthyBody } from "../../src/checkers/etcd-healthz.ts";
import { systemHostFiles } from "../../src/platform/host-files.ts";
import { bunHttpFetch } from "../../src/platform/http-fetch.ts";
import { type TestPki, hasOpenssl, makeTestPki } from "./_certs.ts";
import { optionErrors, runOnce, testEnv } from "./_helpers.ts";
import { type RunningProcess, canConnect, freePort, startProcess, waitFor } from "./_processes.ts";

const kind = etcdHealthzKind({ http: bunHttpFetch, files: systemHostFiles });
const hasEtcd = Bun.which("etcd") !== null;

function startEtcd(dir: string, name: string, tls?: TestPki): { proc: RunningProcess; clientUrl: string; port: number } {
  const port = freePort();
  const peerPort = freePort();
  const scheme = tls ? "https" : "http";
  const clientUrl = `${scheme}://127.0.0.1:${port}`;
  const peerUrl = `http://127.0.0.1:${peerPort}`;
  const args = [
    "etcd", "--name", name, "--data-dir", join(dir, name),
    "--listen-client-urls", clientUrl, "--advertise-client-urls", clientUrl,
    "--listen-peer-urls", peerUrl, "--initial-advertise-peer-urls", peerUrl,
    "--initial-cluster", `${name}=${peerUrl}`, "--log-level", "error",
  ];
  if (tls) args.push("--cert-file", tls.serverCertFile, "--key-file", tls.serverKeyFile, "--trusted-ca-file", tls.caFile, "--client-cert-auth");
  return { proc: startProcess(args), clientUrl, port };
}

describe.skipIf(!hasEtcd)("etcd-healthz against real etcd", () => {
  let dir = "";
  let plain: ReturnType<typeof startEtcd>;
  let secure: ReturnType<typeof startEtcd> | undefined;
  let pki: TestPki | undefined;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "satellite-etcd-"));
    plain = startEtcd(dir, "plain");
    if (hasOpenssl()) {
      pki = makeTestPki(dir);
      secure = startEtcd(dir, "secure", pki);
    }
    await waitFor(`plain etcd on ${plain.port}: ${plain.proc.output()}`, () => canConnect(plain.port), 20_000);
    if (secure) await waitFor(`TLS etcd on ${secure.port}`, () => canConnect(secure!.port), 20_000);
    // Listening comes before the member is ready; wait until /health says so.
    await waitFor("plain etcd healthy", async () => (await runOnce(kind, { endpoints: [plain.clientUrl] }, testEnv("/tmp")))[0]?.status === "running", 20_000);
  });

  afterAll(async () => {
    await plain?.proc.stop();
    await secure?.proc.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test("plain endpoint from the agent's etcdServers -> one running outcome", async () => {
    const outcomes = await runOnce(kind, {}, testEnv("/tmp", { etcdServers: [plain.clientUrl] }));
    expect(outcomes).toHaveLength(1);
    expect(outcomes[0]?.status).toBe("running");
  });

  test("one good and one dead endpoint -> one failed outcome whose detail is the dead endpoint", async () => {
    const dead = `http://127.0.0.1:${freePort()}`;
    const outcomes = await runOnce(kind, { endpoints: [plain.clientUrl, dead] }, testEnv("/tmp"));
    expect(outcomes).toHaveLength(1);
    expect(outcomes[0]).toMatchObject({ status: "failed", detail: dead });
    expect(outcomes[0]?.error).toContain("etcd healthz check failed");
  });

  describe.skipIf(!hasOpenssl())("with client certificates", () => {
    test("agent's etcd CA + client cert -> running", async () => {
      await waitFor("TLS etcd healthy", async () => {
        const [o] = await runOnce(kind, {}, testEnv("/tmp", { etcdServers: [secure!.clientUrl], etcdCafile: pki!.caFile, etcdCertfile: pki!.clientCertFile, etcdKeyfile: pki!.clientKeyFile }));
        return o?.status === "running";
      }, 20_000);
    });

    test("without a client certificate -> failed", async () => {
      const [o] = await runOnce(kind, { endpoints: [secure!.clientUrl], tls: { caFile: pki!.caFile } }, testEnv("/tmp"));
      expect(o?.status).toBe("failed");
    });

    test("with the wrong CA -> failed (the server certificate is verified)", async () => {
      const [o] = await runOnce(kind, { endpoints: [secure!.clientUrl], tls: { caFile: pki!.otherCaFile, certFile: pki!.clientCertFile, keyFile: pki!.clientKeyFile } }, testEnv("/tmp"));
      expect(o?.status).toBe("failed");
    });
  });

  test("stopped etcd -> failed", async () => {
    await plain.proc.stop();
    const outcomes = await runOnce(kind, { endpoints: [plain.clientUrl] }, testEnv("/tmp"));
    expect(outcomes[0]).toMatchObject({ status: "failed", detail: plain.clientUrl });
  });
});

describe("etcd health bodies", () => {
  test.each([
    ['{"health":"true"}', true],
    ['{"health":true}', true],
    ['{"health":"false","reason":"RAFT NO LEADER"}', false],
    ["not json", false],
  ])("%s -> %p", (body, healthy) => {
    expect(isHealthyBody(body).healthy).toBe(healthy);
  });

  test("option errors", () => {
    expect(optionErrors(kind, { endpoints: [] })[0]).toContain("endpoints");
    expect(optionErrors(kind, { endpoints: ["127.0.0.1:2379"] })).toEqual(["endpoints.0: expected an etcd client URL such as https://127.0.0.1:2379"]);
  });
});
