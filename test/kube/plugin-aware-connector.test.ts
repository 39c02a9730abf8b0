import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { KubeApi, KubeConnector } from "../../src/kube/kube-api.ts";
import type { KubeEnvironment } from "../../src/kube/kubeconfig-files.ts";
import { createHostKubeConnector, createPluginAwareKubeConnector } from "../../src/kube/plugin-aware-connector.ts";
import { createRestKubeConnector } from "../../src/kube/rest-connector.ts";
import { bunHttpFetch, type HttpFetch } from "../../src/platform/http-fetch.ts";
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
const cert = kubeconfig("cert.yaml", `{ client-certificate-data: ${btoa("certificate")}, client-key-data: ${btoa("key")} }`);
const exec = kubeconfig("exec.yaml", "{ exec: { apiVersion: client.authentication.k8s.io/v1, command: aws, args: [eks, get-token] } }");
const authProvider = kubeconfig("auth-provider.yaml", "{ auth-provider: { name: oidc } }");

/**
 * The real REST connector (its HTTP never called: connect only reads the configuration) and a
 * plugin connector that records the runs it was given.
 */
function connectorsFor(env: KubeEnvironment) {
  const pluginRuns: string[] = [];
  let built = 0;
  const unusedHttp: HttpFetch = async () => {
    throw new Error("connect must not reach the network");
  };
  const plugins = (): KubeConnector => {
    built++;
    return {
      connect: async (path) => {
        pluginRuns.push(path ?? "(in-cluster)");
        return {} as KubeApi;
      },
    };
  };
  const connector = createPluginAwareKubeConnector({ rest: createRestKubeConnector(unusedHttp, env), plugins });
  return { connector, pluginRuns, builtPlugins: () => built };
}

const signal = new AbortController().signal;

describe("the plugin-aware Kubernetes connector", () => {
  test("takes the REST client for a token and a client certificate", async () => {
    const { connector, pluginRuns, builtPlugins } = connectorsFor({});
    expect(typeof (await connector.connect(token, signal)).readNode).toBe("function");
    expect(typeof (await connector.connect(cert, signal)).readNode).toBe("function");
    expect(pluginRuns).toEqual([]);
    expect(builtPlugins()).toBe(0);
  });

  test("takes client-node's connector, built once, for exec and auth-provider users", async () => {
    const { connector, pluginRuns, builtPlugins } = connectorsFor({});
    await connector.connect(exec, signal);
    await connector.connect(authProvider, signal);
    await connector.connect(token, signal);
    expect(pluginRuns).toEqual([exec, authProvider]);
    expect(builtPlugins()).toBe(1);
  });

  test("follows KUBECONFIG's merged files and the current context's user", async () => {
    const merged = connectorsFor({ KUBECONFIG: `${join(dir, "missing.yaml")}:${exec}` });
    await merged.connector.connect(undefined, signal);
    expect(merged.pluginRuns).toEqual(["(in-cluster)"]);
    const otherContext = join(dir, "other-context.yaml");
    writeFileSync(otherContext, readFileSync(exec, "utf8").replace("current-context: c", "current-context: other"));
    const other = connectorsFor({});
    await other.connector.connect(otherContext, signal);
    expect(other.pluginRuns).toEqual([]);
  });

  test("a kubeconfig that cannot be read is the REST client's error, naming the file", async () => {
    const { connector, pluginRuns } = connectorsFor({});
    const broken = join(dir, "broken.yaml");
    writeFileSync(broken, "current-context: [unclosed");
    await expect(connector.connect(join(dir, "missing.yaml"), signal)).rejects.toThrow(`cannot load Kubernetes client configuration from ${join(dir, "missing.yaml")}`);
    await expect(connector.connect(broken, signal)).rejects.toThrow(`from ${broken}`);
    expect(pluginRuns).toEqual([]);
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
