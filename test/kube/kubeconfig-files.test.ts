import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createKubeConnector } from "../../src/kube/kube-api.ts";
import { kubeconfigSource, readKubeconfigFiles } from "../../src/kube/kubeconfig-files.ts";
import { createRestKubeConnector } from "../../src/kube/rest-connector.ts";
import { bunHttpFetch } from "../../src/platform/http-fetch.ts";
import { type TestPki, hasOpenssl, makeTestPki } from "../checkers/_certs.ts";
import { type FakeApiServer, startFakeApiServer } from "./fake-apiserver.ts";

describe("which configuration the client uses (kubectl's order)", () => {
  test.each([
    ["--kubeconfig wins over KUBECONFIG", "/etc/kc", { KUBECONFIG: "/a:/b" }, { kind: "files", paths: ["/etc/kc"], from: "/etc/kc" }],
    ["KUBECONFIG is a ':' list, empty entries skipped", undefined, { KUBECONFIG: "/a::/b:" }, { kind: "files", paths: ["/a", "/b"], from: "KUBECONFIG=/a::/b:" }],
    ["nothing set: in-cluster", undefined, {}, { kind: "in-cluster" }],
    ["an empty KUBECONFIG counts as unset", undefined, { KUBECONFIG: "" }, { kind: "in-cluster" }],
  ] as const)("%s", (_name, explicit, env, expected) => {
    expect(kubeconfigSource(explicit, env)).toEqual(expected as never);
  });
});

describe("merging KUBECONFIG files", () => {
  const files = new Map<string, string>([
    [
      "/home/op/.kube/config",
      `current-context: prod
contexts: [{ name: prod, context: { cluster: prod, user: admin } }]
users: [{ name: admin, user: { client-certificate: certs/admin.crt, client-key: /abs/admin.key } }]
`,
    ],
    [
      "/etc/kube/clusters.yaml",
      `current-context: staging
clusters:
- { name: prod, cluster: { server: "https://prod:6443", certificate-authority: ca.crt } }
- { name: staging, cluster: { server: "https://staging:6443" } }
users: [{ name: admin, user: { token: from-second-file } }]
`,
    ],
  ]);
  const fakeFiles = { exists: (p: string) => files.has(p), read: (p: string) => files.get(p) ?? "" };

  test("first file to set current-context or a name wins; relative paths are taken from their own file; missing files are skipped", () => {
    const doc = readKubeconfigFiles({ kind: "files", paths: ["/missing", "/home/op/.kube/config", "/etc/kube/clusters.yaml"], from: "KUBECONFIG" }, fakeFiles);
    expect(doc["current-context"]).toBe("prod");
    expect(doc.users).toEqual([{ name: "admin", user: { "client-certificate": "/home/op/.kube/certs/admin.crt", "client-key": "/abs/admin.key" } }]);
    expect(doc.clusters).toEqual([
      { name: "prod", cluster: { server: "https://prod:6443", "certificate-authority": "/etc/kube/ca.crt" } },
      { name: "staging", cluster: { server: "https://staging:6443" } },
    ]);
  });

  test("no listed file exists: an error naming the list; an explicit file that is missing names the file", () => {
    expect(() => readKubeconfigFiles({ kind: "files", paths: ["/x", "/y"], from: "KUBECONFIG=/x:/y" }, fakeFiles)).toThrow("none of the files in KUBECONFIG=/x:/y exists");
    expect(() => readKubeconfigFiles({ kind: "files", paths: ["/nope"], from: "/nope" }, { exists: () => false, read: () => { throw new Error("ENOENT: no such file or directory, open '/nope'"); } })).toThrow("cannot read kubeconfig /nope: ENOENT");
  });

  test("a file that is not a mapping, or an entry without a name, is refused naming the file", () => {
    expect(() => readKubeconfigFiles({ kind: "files", paths: ["/l"], from: "/l" }, { exists: () => true, read: () => "- a\n- b\n" })).toThrow("kubeconfig /l is not a YAML mapping");
    expect(() => readKubeconfigFiles({ kind: "files", paths: ["/n"], from: "/n" }, { exists: () => true, read: () => "users: [{ user: {} }]\n" })).toThrow("kubeconfig /n: an entry of users has no name");
  });
});

const CONNECTORS = [
  ["client-node", (env: Record<string, string>) => createKubeConnector(bunHttpFetch, env)],
  ["rest", (env: Record<string, string>) => createRestKubeConnector(bunHttpFetch, env)],
] as const;

describe.skipIf(!hasOpenssl())("KUBECONFIG against the API server", () => {
  let dir = "";
  let pki: TestPki;
  let api: FakeApiServer;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "satellite-kubeconfig-"));
    pki = makeTestPki(dir);
    api = startFakeApiServer({ pki, auth: "token", token: "merged-token" });
    // Split as operators do: the context and user in one file, the cluster (with a CA path relative to its file) in another.
    mkdirSync(join(dir, "clusters"));
    copyFileSync(pki.caFile, join(dir, "clusters", "ca.crt"));
    writeFileSync(join(dir, "user.yaml"), `current-context: test\ncontexts: [{ name: test, context: { cluster: test, user: op } }]\nusers: [{ name: op, user: { token: merged-token } }]\n`);
    writeFileSync(join(dir, "clusters", "cluster.yaml"), `clusters: [{ name: test, cluster: { server: "${api.url}", certificate-authority: ca.crt } }]\n`);
  });
  afterAll(() => {
    api.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  for (const [name, connector] of CONNECTORS) {
    test(`${name}: without --kubeconfig, the merged KUBECONFIG files reach the server with the user's token and the cluster's CA`, async () => {
      const env = { KUBECONFIG: `${join(dir, "absent.yaml")}:${join(dir, "user.yaml")}:${join(dir, "clusters", "cluster.yaml")}` };
      const kube = await connector(env).connect(undefined, new AbortController().signal);
      const node = await kube.readNode("node-1");
      expect(node.metadata?.name).toBe("node-1");
      expect(api.requests.at(-1)?.authorization).toBe("Bearer merged-token");
    });

    test(`${name}: without --kubeconfig, KUBECONFIG and a pod, the error says all three are missing`, async () => {
      await expect(connector({}).connect(undefined, new AbortController().signal)).rejects.toThrow("no kubeconfig given, KUBECONFIG is unset and not running inside a pod");
    });
  }
});
