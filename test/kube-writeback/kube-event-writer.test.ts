import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AgentEventInput } from "../../src/events/agent-event.ts";
import { createEventStream, type EventStream } from "../../src/events/event-stream.ts";
import { createKubeConnector, type KubeConnector } from "../../src/kube/kube-api.ts";
import { createRestKubeConnector } from "../../src/kube/rest-connector.ts";
import { type KubeEventWriter, startKubeEventWriter } from "../../src/kube-writeback/kube-event-writer.ts";
import { bunHttpFetch } from "../../src/platform/http-fetch.ts";
import { createMemoryLogger, silentLogger } from "../../src/platform/logger.ts";
import { ManualClock } from "../../src/platform/manual-clock.ts";
import { type TestPki, hasOpenssl, makeTestPki } from "../checkers/_certs.ts";
import { type FakeApiServer, kubeconfigYaml, kubeFixture, startFakeApiServer } from "../kube/fake-apiserver.ts";

// The API server is test/kube/fake-apiserver.ts: HTTPS on loopback; it checks each posted Event
// against the Kubernetes schema (kubernetes-models) and the API server's own rules (namespace,
// name, involved object) and answers with the shape of a recorded response (event-created.json).
const CONNECTORS: [string, KubeConnector][] = [
  ["client-node", createKubeConnector(bunHttpFetch, {})],
  ["rest", createRestKubeConnector(bunHttpFetch, {})],
];

const change = (type: "ProbeFailed" | "ProbeSucceeded", probe: string, node = "node-1", severity: "critical" | "warning" = "critical"): AgentEventInput => ({
  type, node, probe, severity,
  oldState: type === "ProbeFailed" ? "running" : "failed",
  newState: type === "ProbeFailed" ? "failed" : "running",
  ...(type === "ProbeFailed" ? { error: "healthz check failed: dial unix /var/run/docker.sock: connect: connection refused" } : {}),
});

for (const [connectorName, kube] of CONNECTORS) {
  describe.skipIf(!hasOpenssl())(`${connectorName}: Kubernetes Events for probe state changes`, () => {
    let dir = "";
    let pki: TestPki;
    let api: FakeApiServer;
    let kubeconfig = "";
    let clock: ManualClock;
    let events: EventStream;
    let writer: KubeEventWriter | undefined;

    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), "satellite-kube-events-"));
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
      api.events.length = 0;
    });

    const start = (limits = { burst: 25, refillMs: 300_000 }, logger = silentLogger) => {
      clock = new ManualClock(Date.UTC(2026, 10, 22, 0, 46, 12));
      events = createEventStream({ clock, logger: silentLogger });
      writer = startKubeEventWriter({ nodeName: "node-1", events, kube, kubeconfig, clock, logger, limits });
      return writer;
    };

    test("a failure posts a Warning and a recovery a Normal event on the Node, in the shape the recorded one has", async () => {
      const w = start();
      events.publish(change("ProbeFailed", "docker"));
      events.publish(change("ProbeSucceeded", "docker"));
      await w.idle();
      expect(api.events).toHaveLength(2);
      const recorded = JSON.parse(kubeFixture("event-created.json"));
      const [posted, back] = api.events;
      // Everything but the server's metadata is what a real API server returned for such an event.
      const { metadata: _m, ...rest } = posted as Record<string, unknown>;
      const { metadata: _r, ...recordedRest } = recorded;
      expect(rest).toEqual(recordedRest);
      expect(posted?.metadata.name).toMatch(/^node-1\.[0-9a-f]+$/);
      expect(posted?.metadata.namespace).toBe("default");
      expect(back).toMatchObject({ type: "Normal", reason: "ProbeSucceeded", message: "probe docker recovered", involvedObject: { kind: "Node", name: "node-1", uid: "node-1" } });
      expect(w.stats()).toMatchObject({ posted: 2, failed: 0, rateLimited: 0 });
    });

    test("only this node's probe changes are posted; other events are not", async () => {
      const w = start();
      events.publish(change("ProbeFailed", "docker", "node-2"));
      events.publish({ type: "NodeDegraded", node: "node-1", oldState: "running", newState: "degraded" });
      events.publish(change("ProbeFailed", "latency", "node-1", "warning"));
      await w.idle();
      expect(api.events.map((e) => e.message)).toEqual(["probe latency failed (warning): healthz check failed: dial unix /var/run/docker.sock: connect: connection refused"]);
    });

    test("beyond the burst, changes wait for the bucket to refill; what is dropped is counted and logged", async () => {
      const logger = createMemoryLogger();
      const w = start({ burst: 2, refillMs: 60_000 }, logger);
      for (let i = 0; i < 4; i++) events.publish(change(i % 2 === 0 ? "ProbeFailed" : "ProbeSucceeded", "docker"));
      await w.idle();
      expect(api.events).toHaveLength(2);
      expect(w.stats()).toMatchObject({ posted: 2, rateLimited: 2 });
      expect(logger.lines.join("\n")).toContain("Kubernetes event not posted: rate limit reached");
      await clock.advance(60_000);
      events.publish(change("ProbeFailed", "docker"));
      await w.idle();
      expect(api.events).toHaveLength(3);
    });

    test("a failed post is counted and logged with what the agent needs, and the next change is posted", async () => {
      const logger = createMemoryLogger();
      const w = start(undefined, logger);
      api.failures.events = 1;
      events.publish(change("ProbeFailed", "docker"));
      events.publish(change("ProbeSucceeded", "docker"));
      await w.idle();
      expect(w.stats()).toMatchObject({ posted: 1, failed: 1 });
      expect(api.events.map((e) => e.reason)).toEqual(["ProbeSucceeded"]);
      expect(logger.lines.join("\n")).toContain("cannot post the ProbeFailed event of probe docker on node node-1: API answered 503");
    });
  });
}
