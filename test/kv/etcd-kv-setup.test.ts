import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createEtcdKvBackendFromConfig } from "../../src/agent/kv-etcd-setup.ts";
import { type KvEtcdConfig, kvEtcdSchema } from "../../src/config/kv-etcd-schema.ts";
import { systemClock } from "../../src/platform/clock.ts";
import { SatelliteError } from "../../src/platform/errors.ts";
import { hasOpenssl } from "../checkers/_certs.ts";
import { makeEtcdTestPki } from "./etcd-pki.ts";
import { type EtcdCluster, hasEtcd, startEtcdCluster } from "./etcd-cluster.ts";

const text = (s: string) => new TextEncoder().encode(s);
const configOf = (input: Record<string, unknown>): KvEtcdConfig => kvEtcdSchema().parse(input);

function thrown(fn: () => unknown): SatelliteError {
  try {
    fn();
  } catch (error) {
    if (error instanceof SatelliteError) return error;
    throw error;
  }
  throw new Error("expected a SatelliteError");
}

describe("kv.etcd settings", () => {
  test.each([
    [{ endpoints: ["10.0.0.5:2379"] }, "expected an etcd client URL"],
    [{ endpoints: ["ftp://10.0.0.5"] }, "expected an etcd client URL"],
    [{ certFile: "/c.pem" }, "certFile and keyFile go together"],
    [{ username: "root" }, "an etcd user needs its password"],
    [{ passwordFile: "/p" }, "a password needs the etcd user name too"],
    [{ username: "root", password: "x", passwordFile: "/p" }, "give password or passwordFile, not both"],
    [{ prefix: "" }, "give a prefix"],
    [{ requestTimeout: "5m" }, "expected a timeout from 100ms to 60s"],
  ])("%p is refused: %s", (input, message) => {
    const result = kvEtcdSchema().safeParse(input);
    expect(result.success).toBe(false);
    expect(JSON.stringify(result.error?.issues)).toContain(message);
  });

  test("defaults: prefix /satellite/kv/, 5s per call", () => {
    expect(kvEtcdSchema().parse({})).toEqual({ endpoints: [], prefix: "/satellite/kv/", requestTimeout: "5s" });
  });
});

describe("the etcd backend from settings", () => {
  test("no endpoints: refused at start, naming the flag", () => {
    const error = thrown(() => createEtcdKvBackendFromConfig(configOf({}), { clock: systemClock }));
    expect(error.code).toBe("kv_etcd_no_endpoints");
    expect(error.hint).toContain("--kv-etcd-endpoints");
  });

  test("a missing CA file or an empty password file is named with its flag", () => {
    const missing = thrown(() => createEtcdKvBackendFromConfig(configOf({ endpoints: ["https://127.0.0.1:2379"], caFile: "/nonexistent/ca.pem" }), { clock: systemClock }));
    expect(missing.code).toBe("kv_etcd_file_unreadable");
    expect(missing.message).toContain("/nonexistent/ca.pem (--kv-etcd-ca-file)");
    const empty = thrown(() =>
      createEtcdKvBackendFromConfig(configOf({ endpoints: ["http://127.0.0.1:2379"], username: "root", passwordFile: "/pw" }), { clock: systemClock, readTextFile: () => "\n" }),
    );
    expect(empty.code).toBe("kv_etcd_password_empty");
  });
});

describe.skipIf(!hasEtcd)("etcd with authentication", () => {
  let etcd: EtcdCluster;
  let dir = "";
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "satellite-kv-auth-"));
    etcd = await startEtcdCluster(1);
    const call = (path: string, body: unknown) => fetch(`${etcd.endpoints[0]}${path}`, { method: "POST", body: JSON.stringify(body) }).then((r) => r.json());
    await call("/v3/auth/user/add", { name: "root", password: "s3cret-pass" });
    await call("/v3/auth/user/grant", { user: "root", role: "root" });
    await call("/v3/auth/enable", {});
  }, 30_000);
  afterAll(async () => {
    await etcd?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test("the password from its file logs in; a wrong one is refused naming the flags", async () => {
    writeFileSync(join(dir, "good"), "s3cret-pass\n");
    const backend = createEtcdKvBackendFromConfig(configOf({ endpoints: etcd.endpoints, username: "root", passwordFile: join(dir, "good") }), { clock: systemClock });
    await backend.put("auth/k", text("v"));
    expect((await backend.get("auth/k"))?.value).toEqual(text("v"));
    await backend.close();

    const wrong = createEtcdKvBackendFromConfig(configOf({ endpoints: etcd.endpoints, username: "root", password: "not-it" }), { clock: systemClock });
    const error = await wrong.get("auth/k").then(
      () => undefined,
      (e: unknown) => e as SatelliteError,
    );
    expect(error?.code).toBe("kv_etcd_permission_denied");
    expect(error?.message).toContain(`etcd at ${etcd.endpoints[0]} refused access`);
    expect(error?.message).not.toContain("not-it");
    expect(error?.hint).toContain("--kv-etcd-password-file");
    await wrong.close();
  });

  test("without credentials etcd's refusal is permission denied", async () => {
    const anonymous = createEtcdKvBackendFromConfig(configOf({ endpoints: etcd.endpoints }), { clock: systemClock });
    const error = await anonymous.put("auth/k", text("v")).then(
      () => undefined,
      (e: unknown) => e as SatelliteError,
    );
    expect(error?.code).toBe("kv_etcd_permission_denied");
    await anonymous.close();
  });
});

describe.skipIf(!hasEtcd || !hasOpenssl())("etcd over TLS with client certificates", () => {
  let etcd: EtcdCluster;
  let dir = "";
  let pki: ReturnType<typeof makeEtcdTestPki>;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "satellite-kv-tls-"));
    pki = makeEtcdTestPki(dir);
    etcd = await startEtcdCluster(1, [], pki);
  }, 30_000);
  afterAll(async () => {
    await etcd?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test("the CA and client certificate files are used; another CA is refused naming the endpoint", async () => {
    const backend = createEtcdKvBackendFromConfig(configOf({ endpoints: etcd.endpoints, caFile: pki.caFile, certFile: pki.clientCertFile, keyFile: pki.clientKeyFile }), { clock: systemClock });
    await backend.put("tls/k", text("v"));
    expect((await backend.get("tls/k"))?.value).toEqual(text("v"));
    await backend.close();

    const untrusting = createEtcdKvBackendFromConfig(configOf({ endpoints: etcd.endpoints, caFile: pki.otherCaFile, certFile: pki.clientCertFile, keyFile: pki.clientKeyFile }), { clock: systemClock });
    const error = await untrusting.get("tls/k").then(
      () => undefined,
      (e: unknown) => e as SatelliteError,
    );
    expect(error?.message).toContain(`etcd at ${etcd.endpoints[0]}`);
    await untrusting.close();
  });
});
