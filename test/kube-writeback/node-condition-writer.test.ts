import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AgentEventInput } from "../../src/events/agent-event.ts";
import { createEventStream, type EventStream } from "../../src/events/event-stream.ts";
import { createKubeConnector, type KubeConnector } from "../../src/kube/kube-api.ts";
import { createRestKubeConnector } from "../../src/kube/rest-connector.ts";
import { type NodeConditionWriter, startNodeConditionWriter } from "../../src/kube-writeback/node-condition-writer.ts";
import { bunHttpFetch } from "../../src/platform/http-fetch.ts";
import { createMemoryLogger, silentLogger } from "../../src/platform/logger.ts";
import { ManualClock } from "../../src/platform/manual-clock.ts";
import { type TestPki, hasOpenssl, makeTestPki } from "../checkers/_certs.ts";
import { type FakeApiServer, kubeconfigYaml, kubeFixture, startFakeApiServer } from "../kube/fake-apiserver.ts";

// The API server is test/kube/fake-apiserver.ts: HTTPS on loopback, answering from responses
// recorded from a real API server (test/fixtures/kube), applying status patches the way the
// API server does for their content type and checking conditions against the Kubernetes schema.
const CONNECTORS: [string, KubeConnector][] = [
  ["client-node", createKubeConnector(bunHttpFetch, {})],
  ["rest", createRestKubeConnector(bunHttpFetch, {})],
];

const run = (probe: string, status: "running" | "failed", severity: "critical" | "warning" = "critical"): AgentEventInput => ({
  type: "ProbeRun", node: "node-1", probe, checkKind: "test", startedAtMs: 0, durationMs: 1, lagMs: 0, status, severity, outcomes: [],
});
const failed = (probe: string, severity: "critical" | "warning" = "critical", node = "node-1"): AgentEventInput => ({
  type: "ProbeFailed", node, probe, oldState: "running", newState: "failed", severity, error: `${probe} is down`,
});
const recovered = (probe: string): AgentEventInput => ({ type: "ProbeSucceeded", node: "node-1", probe, oldState: "failed", newState: "running", severity: "critical" });

for (const [connectorName, kube] of CONNECTORS) {
  describe.skipIf(!hasOpenssl())(`${connectorName}: the SatelliteDegraded condition on the Node`, () => {
    let dir = "";
    let pki: TestPki;
    let api: FakeApiServer;
    let kubeconfig = "";
    let clock: ManualClock;
    let events: EventStream;
    let writer: NodeConditionWriter | undefined;

    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), "satellite-condition-"));
      pki = makeTestPki(dir);
      api = startFakeApiServer({ pki, auth: "token", token: "t0ken" });
      kubeconfig = join(dir, "kubeconfig");
      writeFileSync(kubeconfig, kubeconfigYaml(api.url, pki, { kind: "token", token: "t0ken" }));
    });
    afterAll(() => {
      api.stop();
      rmSync(dir, { recursive: true, force: true });
    });
    afterEach(async () => {
      await writer?.stop();
      writer = undefined;
      api.patches.length = 0;
      api.nodes.set("node-1", JSON.parse(kubeFixture("node-ready.json")));
    });

    const start = (checks: string[], logger = silentLogger) => {
      clock = new ManualClock(Date.UTC(2026, 10, 22, 0, 46, 0));
      events = createEventStream({ clock, logger: silentLogger });
      writer = startNodeConditionWriter({ nodeName: "node-1", checks, events, kube, kubeconfig, clock, logger, heartbeatMs: 300_000, retryMs: 10_000, startDeadlineMs: 600_000 });
      return writer;
    };
    const ours = () => (api.nodes.get("node-1")?.status.conditions as Record<string, string>[]).find((c) => c.type === "SatelliteDegraded");

    test("a clean start waits for every check, then clears a True left from before the restart; other conditions stay", async () => {
      const node = api.nodes.get("node-1") as Record<string, any>;
      node.status.conditions.push({ type: "SatelliteDegraded", status: "True", reason: "ProbesFailing", message: "failing probes: docker", lastHeartbeatTime: "2026-11-21T10:00:00Z", lastTransitionTime: "2026-11-21T09:00:00Z" });
      const w = start(["docker", "disk"]);
      events.publish(run("docker", "running"));
      await w.idle();
      expect(api.patches).toHaveLength(0);
      // A failed run below its damping threshold has not shown its state: still waiting.
      events.publish(run("disk", "failed"));
      await w.idle();
      expect(api.patches).toHaveLength(0);
      events.publish(run("disk", "running"));
      await w.idle();
      expect(api.patches).toHaveLength(1);
      expect(api.patches[0]?.contentType).toBe("application/strategic-merge-patch+json");
      expect(ours()).toEqual({ type: "SatelliteDegraded", status: "False", reason: "Healthy", message: "all probes passing", lastHeartbeatTime: "2026-11-22T00:46:00Z", lastTransitionTime: "2026-11-22T00:46:00Z" });
      const types = (api.nodes.get("node-1")?.status.conditions as { type: string }[]).map((c) => c.type);
      expect(types).toContain("Ready");
      expect(types).toContain("KernelDeadlock");
    });

    test("failing probes make it True naming them; recovery makes it False; transition time moves only with the status", async () => {
      const w = start(["docker", "kubelet", "latency"]);
      events.publish(run("docker", "failed"));
      events.publish(failed("docker"));
      events.publish(run("kubelet", "running"));
      events.publish(run("latency", "failed", "warning"));
      events.publish(failed("latency", "warning"));
      await w.idle();
      expect(ours()).toMatchObject({ status: "True", reason: "ProbesFailing", message: "failing probes: docker; warnings: latency", lastTransitionTime: "2026-11-22T00:46:00Z" });
      await clock.advance(60_000);
      events.publish(failed("kubelet"));
      await w.idle();
      expect(ours()).toMatchObject({ status: "True", message: "failing probes: docker, kubelet; warnings: latency", lastTransitionTime: "2026-11-22T00:46:00Z", lastHeartbeatTime: "2026-11-22T00:47:00Z" });
      await clock.advance(60_000);
      events.publish(recovered("docker"));
      events.publish(recovered("kubelet"));
      await w.idle();
      expect(ours()).toMatchObject({ status: "False", reason: "Healthy", message: "no critical probe failing; warnings: latency", lastTransitionTime: "2026-11-22T00:48:00Z" });
      // Another node's change is not this Node's business.
      const before = api.patches.length;
      events.publish(failed("docker", "critical", "node-2"));
      await w.idle();
      expect(api.patches).toHaveLength(before);
    });

    test("nothing new is written for runs that change nothing; the heartbeat rewrites it every period", async () => {
      const w = start(["docker"]);
      events.publish(run("docker", "running"));
      await w.idle();
      for (let i = 0; i < 5; i++) events.publish(run("docker", "running"));
      await w.idle();
      expect(api.patches).toHaveLength(1);
      await clock.advance(300_000);
      await w.idle();
      expect(api.patches).toHaveLength(2);
      expect(ours()).toMatchObject({ status: "False", lastHeartbeatTime: "2026-11-22T00:51:00Z", lastTransitionTime: "2026-11-22T00:46:00Z" });
    });

    test("an API server that fails is retried after the retry delay, and the failure is logged once with what to do", async () => {
      const logger = createMemoryLogger();
      api.failures.patches = 2;
      const w = start(["docker"], logger);
      events.publish(run("docker", "failed"));
      events.publish(failed("docker"));
      await w.idle();
      expect(w.stats()).toMatchObject({ writes: 0, failures: 1 });
      expect(w.stats().lastError).toContain("cannot write condition SatelliteDegraded on node node-1: API answered 503");
      await clock.advance(10_000);
      await w.idle();
      expect(w.stats()).toMatchObject({ writes: 0, failures: 2 });
      await clock.advance(10_000);
      await w.idle();
      expect(w.stats()).toMatchObject({ writes: 1, failures: 2 });
      expect(ours()).toMatchObject({ status: "True", message: "failing probes: docker" });
      expect(logger.lines.filter((l) => l.includes("cannot write condition"))).toHaveLength(1);
      expect(logger.lines.join("\n")).toContain("patch on nodes/status");
    });

    test("without a probe state from some check, the start deadline writes what is known", async () => {
      const w = start(["docker", "never-runs"]);
      events.publish(run("docker", "running"));
      await w.idle();
      expect(api.patches).toHaveLength(0);
      await clock.advance(600_000);
      await w.idle();
      expect(ours()).toMatchObject({ status: "False", reason: "Healthy" });
    });
  });
}
