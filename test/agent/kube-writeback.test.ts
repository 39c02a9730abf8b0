import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startAgent } from "../../src/agent/agent.ts";
import { applyRoleFromNodeLabel } from "../../src/agent/node-role.ts";
import type { AgentPlatform } from "../../src/agent/platform-deps.ts";
import { checkerKinds, findCheckerKind } from "../../src/checkers/all-kinds.ts";
import { createAgentPlatform } from "../../src/cli/process-platform.ts";
import { loadAgentConfig } from "../../src/config/load.ts";
import { createRestKubeConnector } from "../../src/kube/rest-connector.ts";
import { bunHttpFetch } from "../../src/platform/http-fetch.ts";
import { createMemoryLogger } from "../../src/platform/logger.ts";
import { ManualClock } from "../../src/platform/manual-clock.ts";
import { type TestPki, hasOpenssl, makeTestPki } from "../checkers/_certs.ts";
import { closedPort } from "../checkers/_helpers.ts";
import { type FakeApiServer, kubeconfigYaml, startFakeApiServer } from "../kube/fake-apiserver.ts";
import { waitFor } from "../support/processes.ts";

// The API server is test/kube/fake-apiserver.ts: HTTPS on loopback answering from responses
// recorded from a real API server (test/fixtures/kube); it applies node status patches by their
// content type and checks conditions and Events against the Kubernetes schema.
/** The process's real platform with its default logging (the logger is replaced per test). */
const realPlatform = createAgentPlatform as unknown as () => AgentPlatform;
const kinds = { find: (kind: string) => findCheckerKind(kind), names: checkerKinds.map((k) => k.kind) };

describe.skipIf(!hasOpenssl())("an agent on a Kubernetes node", () => {
  let dir = "";
  let pki: TestPki;
  let api: FakeApiServer;
  let kubeconfig = "";

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "satellite-agent-kube-"));
    pki = makeTestPki(dir);
    api = startFakeApiServer({ pki, auth: "token", token: "t0ken" });
    kubeconfig = join(dir, "kubeconfig");
    writeFileSync(kubeconfig, kubeconfigYaml(api.url, pki, { kind: "token", token: "t0ken" }));
  });
  afterAll(() => {
    api.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const configFor = (name: string, flags: Record<string, string | boolean>, file = '{"defaultChecks": false}') =>
    loadAgentConfig({
      flags: { name, "rpc-addr": "127.0.0.1:0", "gossip-addr": "127.0.0.1:0", "state-dir": join(dir, name), config: "/config.json", ...flags },
      env: {},
      readFile: () => file,
      hostname: () => name,
      cwd: dir,
      findKind: kinds.find,
      kindNames: kinds.names,
    });

  test("--role-from-node-label: the label on the Node means master, its absence node; --tags' role is replaced", async () => {
    const deps = { kube: createRestKubeConnector(bunHttpFetch, {}), clock: new ManualClock(), logger: createMemoryLogger() };
    const label = "node-role.kubernetes.io/control-plane";
    const master = await applyRoleFromNodeLabel(configFor("node-1", { kubeconfig, "role-from-node-label": label, tags: "role:node" }), deps);
    expect(master.tags.role).toBe("master");
    const worker = await applyRoleFromNodeLabel(configFor("node-3", { kubeconfig, "role-from-node-label": label, tags: "role:master,zone:a" }), deps);
    expect(worker.tags).toEqual({ role: "node", zone: "a" });
    expect(api.requests.filter((r) => r.method === "GET" && /^\/api\/v1\/nodes\/node-[13]$/.test(r.path))).toHaveLength(2);
  });

  test("--role-from-node-label: a Node that cannot be read keeps --tags' role and says what the agent needs", async () => {
    const logger = createMemoryLogger();
    const clock = new ManualClock();
    const pending = applyRoleFromNodeLabel(configFor("node-9", { kubeconfig, "role-from-node-label": "node-role.kubernetes.io/control-plane", tags: "role:node" }), { kube: createRestKubeConnector(bunHttpFetch, {}), clock, logger });
    // The retry waits on the injected clock.
    await waitFor(() => clock.pendingTimers() > 0 && api.requests.some((r) => r.path === "/api/v1/nodes/node-9"), 5000, "first attempt");
    await clock.advance(2_000);
    const config = await pending;
    expect(config.tags.role).toBe("node");
    expect(api.requests.filter((r) => r.path === "/api/v1/nodes/node-9")).toHaveLength(2);
    expect(logger.lines.join("\n")).toContain('cannot read Node node-9 for --role-from-node-label; keeping role node from --tags');
    expect(logger.lines.join("\n")).toContain('nodes \\"node-9\\" not found');
  });

  test("a whole agent with --role-from-node-label, --kube-node-condition and --kube-events writes back what its probes find", async () => {
    const port = await closedPort();
    const config = configFor(
      "node-1",
      { kubeconfig, "role-from-node-label": "node-role.kubernetes.io/control-plane", tags: "role:node", "kube-node-condition": true, "kube-events": true },
      JSON.stringify({ defaultChecks: false, checks: [{ name: "app", kind: "tcp", address: `127.0.0.1:${port}`, intervalMs: 200, timeoutMs: 100 }] }),
    );
    const logger = createMemoryLogger();
    const platform: AgentPlatform = { ...realPlatform(), logger };
    const agent = await startAgent(config, platform, kinds);
    try {
      const condition = () => (api.nodes.get("node-1")?.status.conditions as Record<string, string>[]).find((c) => c.type === "SatelliteDegraded");
      await waitFor(() => condition()?.status === "True", 10_000, "SatelliteDegraded True");
      expect(condition()).toMatchObject({ reason: "ProbesFailing", message: "failing probes: app" });
      await waitFor(() => api.events.some((e) => e.reason === "ProbeFailed"), 10_000, "a ProbeFailed event");
      expect(api.events.find((e) => e.reason === "ProbeFailed")).toMatchObject({ type: "Warning", involvedObject: { kind: "Node", name: "node-1" }, source: { component: "satellite", host: "node-1" } });
      const local = (await (await fetch(`http://127.0.0.1:${agent.apiAddresses[0]?.port}/local`)).json()) as { member_status?: { tags: Record<string, string> } };
      expect(local.member_status?.tags.role).toBe("master");
    } finally {
      await agent.stop();
    }
  });

  test("off by default: an agent without the flags writes nothing to the cluster", async () => {
    const before = { patches: api.patches.length, events: api.events.length, requests: api.requests.length };
    const port = await closedPort();
    const config = configFor("node-1", { kubeconfig }, JSON.stringify({ defaultChecks: false, checks: [{ name: "app", kind: "tcp", address: `127.0.0.1:${port}`, intervalMs: 200, timeoutMs: 100 }] }));
    const agent = await startAgent(config, { ...realPlatform(), logger: createMemoryLogger() }, kinds);
    try {
      await waitFor(async () => {
        const local = (await (await fetch(`http://127.0.0.1:${agent.apiAddresses[0]?.port}/local`)).json()) as { status?: string };
        return local.status === "degraded";
      }, 10_000, "the node degraded");
    } finally {
      await agent.stop();
    }
    expect({ patches: api.patches.length, events: api.events.length, requests: api.requests.length }).toEqual(before);
  });
});
