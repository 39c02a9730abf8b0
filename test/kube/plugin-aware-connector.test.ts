import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { KubeApi, KubeConnector } from "../../src/kube/kube-api.ts";
import { createHostKubeConnector, createPluginAwareKubeConnector, usesCredentialPlugin } from "../../src/kube/plugin-aware-connector.ts";
import { bunHttpFetch } from "../../src/platform/http-fetch.ts";
import { hasOpenssl, makeTestPki } from "../checkers/_certs.ts";
import { kubeconfigYaml, startFakeApiServer } from "./fake-apiserver.ts";

const dir = mkdtempSync(join(tmpdir(), "satellite-kube-plugin-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function kubeconfig(name: string, user: string): string {
  const path = join(dir, name);
  writeFileSync(path, `apiVersion: v1
kind: Config
current-context: c
clusters: [{ name: k, cluster: { server: "https://10.0.0.1:6443" } }]
contexts: [{ name: c, context: { cluster: k, user: u } }, { name: other, context: { cluster: k, user: plain } }]
users:
  - name: u
    user: ${user}
  - name: plain
    user: { token: abc }
`);
  return path;
}

const token = kubeconfig("token.yaml", "{ token: abc }");
const cert = kubeconfig("cert.yaml", "{ client-certificate: /etc/kubernetes/pki/admin.crt, client-key: /etc/kubernetes/pki/admin.key }");
const exec = kubeconfig("exec.yaml", "{ exec: { apiVersion: client.authentication.k8s.io/v1, command: aws, args: [eks, get-token] } }");
const authProvider = kubeconfig("auth-provider.yaml", "{ auth-provider: { name: oidc } }");

/** Connectors that record which one a run went to. */
function recording() {
  const calls: string[] = [];
  let built = 0;
  const fake = (name: string): KubeConnector => ({
    connect: async (path) => {
      calls.push(`${name} ${path ?? "(in-cluster)"}`);
      return {} as KubeApi;
    },
  });
  return {
    calls,
    builtPlugins: () => built,
    connectors: { rest: fake("rest"), plugins: () => (built++, fake("plugins")), env: {} },
  };
}

describe("the plugin-aware Kubernetes connector", () => {
  test("takes the REST client for a token, a client certificate and the pod's service account", async () => {
    const r = recording();
    const connector = createPluginAwareKubeConnector(r.connectors);
    const signal = new AbortController().signal;
    await connector.connect(token, signal);
    await connector.connect(cert, signal);
    await connector.connect(undefined, signal);
    expect(r.calls).toEqual([`rest ${token}`, `rest ${cert}`, "rest (in-cluster)"]);
    expect(r.builtPlugins()).toBe(0);
  });

  test("takes client-node's connector, built once, for exec and auth-provider users", async () => {
    const r = recording();
    const connector = createPluginAwareKubeConnector(r.connectors);
    const signal = new AbortController().signal;
    await connector.connect(exec, signal);
    await connector.connect(authProvider, signal);
    await connector.connect(token, signal);
    expect(r.calls).toEqual([`plugins ${exec}`, `plugins ${authProvider}`, `rest ${token}`]);
    expect(r.builtPlugins()).toBe(1);
  });

  test("follows KUBECONFIG's merged files and the current context's user", () => {
    expect(usesCredentialPlugin(undefined, { KUBECONFIG: `${join(dir, "missing.yaml")}:${exec}` })).toBe(true);
    expect(usesCredentialPlugin(undefined, { KUBECONFIG: token })).toBe(false);
    const otherContext = join(dir, "other-context.yaml");
    writeFileSync(otherContext, readFileSync(exec, "utf8").replace("current-context: c", "current-context: other"));
    expect(usesCredentialPlugin(otherContext, {})).toBe(false);
  });

  test("a kubeconfig it cannot read goes to the REST client, which says what is wrong", () => {
    expect(usesCredentialPlugin(join(dir, "missing.yaml"), {})).toBe(false);
    const broken = join(dir, "broken.yaml");
    writeFileSync(broken, "current-context: [unclosed");
    expect(usesCredentialPlugin(broken, {})).toBe(false);
  });
});

// The API server here is a local HTTPS Bun.serve replaying recorded API responses
// (test/fixtures/kube), because no real API server runs on this machine.
describe.skipIf(!hasOpenssl())("the host's connector against an API server", () => {
  const pki = makeTestPki(dir);
  const api = startFakeApiServer({ pki, auth: "token", token: "from-the-plugin" });
  afterAll(() => api.stop());
  const connector = createHostKubeConnector(bunHttpFetch, {});

  test("runs an exec credential plugin (through client-node) and sends the token it printed", async () => {
    const plugin = join(dir, "credential-plugin.sh");
    writeFileSync(plugin, `#!/bin/sh\necho '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"from-the-plugin"}}'\n`, { mode: 0o755 });
    const path = join(dir, "exec-real.yaml");
    writeFileSync(path, kubeconfigYaml(api.url, pki, { kind: "token", token: "unused" }).replace("    token: unused", `    exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: ${plugin}\n      interactiveMode: Never`));
    const kube = await connector.connect(path, new AbortController().signal);
    expect((await kube.readNode("node-1")).metadata?.name).toBe("node-1");
    expect(api.requests.at(-1)?.authorization).toBe("Bearer from-the-plugin");
  });

  test("a token kubeconfig is answered over the REST client", async () => {
    const path = join(dir, "token-real.yaml");
    writeFileSync(path, kubeconfigYaml(api.url, pki, { kind: "token", token: "from-the-plugin" }));
    const kube = await connector.connect(path, new AbortController().signal);
    expect((await kube.listNodes()).items.length).toBeGreaterThan(0);
    expect(api.requests.at(-1)?.authorization).toBe("Bearer from-the-plugin");
  });
});
