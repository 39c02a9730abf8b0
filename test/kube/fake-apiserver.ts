import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Event as EventModel } from "kubernetes-models/v1/Event";
import { NodeCondition as NodeConditionModel } from "kubernetes-models/v1/NodeCondition";
import type { TestPki } from "../checkers/_certs.ts";
import { applyConditionsPatch, matchesSelector, type Labelled } from "./fake-api-objects.ts";

const fixtures = join(import.meta.dir, "../fixtures/kube");
export const kubeFixture = (name: string): string => readFileSync(join(fixtures, name), "utf8");

export interface FakeApiOptions {
  pki: TestPki;
  /** "cert": the TLS handshake requires a client certificate signed by the test CA; "token": a bearer token. */
  auth: "cert" | "token";
  token?: string;
  /** Pod-list polls after creation before the canary pods are scheduled / running (never, if Infinity). */
  pollsUntilScheduled?: number;
  pollsUntilRunning?: number;
  /** Canary deployments already present, as from an earlier unclean exit. */
  leftoverDeployments?: string[];
}

export interface RecordedPatch {
  node: string;
  contentType: string;
  body: unknown;
}

export interface FakeApiServer {
  url: string;
  requests: { method: string; path: string; authorization?: string }[];
  deployments: Map<string, unknown>;
  /** The Node objects as the server holds them (status patches apply here), by name. */
  nodes: Map<string, Record<string, any>>;
  /** Every accepted node status patch, in order. */
  patches: RecordedPatch[];
  /** Every created Event as the server stored it, in order. */
  events: Record<string, any>[];
  /** The next N node status patches (and event posts) are answered 503, as an API server that is down. */
  failures: { patches: number; events: number };
  stop(): void;
}

function status(code: number, reason: string, message: string): Response {
  return Response.json({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, reason, code }, { status: code });
}

/**
 * A local HTTPS server answering the few API calls the checks make, from the recorded fixtures
 * in test/fixtures/kube, with a tiny in-memory Deployment store for the canary.
 */
export function startFakeApiServer(options: FakeApiOptions): FakeApiServer {
  const requests: FakeApiServer["requests"] = [];
  const deployments = new Map<string, unknown>();
  for (const name of options.leftoverDeployments ?? []) deployments.set(name, { metadata: { name, labels: { app: name } } });
  let pollsSinceCreate = 0;
  const nodes = new Map<string, Record<string, any>>();
  nodes.set("node-1", JSON.parse(kubeFixture("node-ready.json")));
  nodes.set("node-2", JSON.parse(kubeFixture("node-pressure.json")));
  const listed = JSON.parse(kubeFixture("nodes.json")) as { items: Record<string, any>[] };
  for (const item of listed.items) if (!nodes.has(item.metadata.name)) nodes.set(item.metadata.name, { kind: "Node", apiVersion: "v1", ...item });
  const patches: RecordedPatch[] = [];
  const events: Record<string, any>[] = [];
  const failures = { patches: 0, events: 0 };

  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    tls: {
      cert: readFileSync(options.pki.serverCertFile, "utf8"),
      key: readFileSync(options.pki.serverKeyFile, "utf8"),
      ...(options.auth === "cert" ? { ca: readFileSync(options.pki.caFile, "utf8"), requestCert: true, rejectUnauthorized: true } : {}),
    },
    async fetch(request) {
      const url = new URL(request.url);
      const path = url.pathname;
      requests.push({ method: request.method, path: path + url.search, authorization: request.headers.get("authorization") ?? undefined });
      if (options.auth === "token" && request.headers.get("authorization") !== `Bearer ${options.token}`) {
        return status(401, "Unauthorized", "Unauthorized");
      }
      let m: RegExpExecArray | null;
      if (request.method === "GET" && (m = /^\/api\/v1\/nodes\/([^/]+)$/.exec(path))) {
        const node = nodes.get(m[1] as string);
        if (node) return Response.json(node);
        return new Response(kubeFixture("status-404.json").replaceAll("NAME", m[1] as string), { status: 404, headers: { "content-type": "application/json" } });
      }
      if (request.method === "GET" && path === "/api/v1/nodes") {
        const selector = url.searchParams.get("labelSelector") ?? "";
        const items = [...nodes.values()].filter((n) => matchesSelector(n as Labelled, selector)).map(({ kind: _k, apiVersion: _a, ...item }) => item);
        return Response.json({ kind: "NodeList", apiVersion: "v1", metadata: { resourceVersion: "1284720" }, items });
      }
      if (request.method === "PATCH" && (m = /^\/api\/v1\/nodes\/([^/]+)\/status$/.exec(path))) {
        const name = m[1] as string;
        const contentType = (request.headers.get("content-type") ?? "").split(";")[0]?.trim() ?? "";
        // What the API server accepts on PATCH; anything else is 415, as from a real one.
        if (!["application/strategic-merge-patch+json", "application/merge-patch+json", "application/json-patch+json", "application/apply-patch+yaml"].includes(contentType)) {
          return status(415, "UnsupportedMediaType", `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json`);
        }
        if (failures.patches > 0) {
          failures.patches--;
          return status(503, "ServiceUnavailable", "the server is currently unable to handle the request");
        }
        const node = nodes.get(name);
        if (!node) return new Response(kubeFixture("status-404.json").replaceAll("NAME", name), { status: 404, headers: { "content-type": "application/json" } });
        const body = (await request.json()) as { status?: { conditions?: unknown[] } };
        for (const condition of body.status?.conditions ?? []) {
          try {
            new NodeConditionModel(condition as never).validate();
          } catch (error) {
            return status(422, "Invalid", `Node "${name}" is invalid: ${(error as Error).message}`);
          }
        }
        patches.push({ node: name, contentType, body });
        nodes.set(name, applyConditionsPatch(node, body, contentType));
        return Response.json(nodes.get(name));
      }
      if (request.method === "POST" && (m = /^\/api\/v1\/namespaces\/([^/]+)\/events$/.exec(path))) {
        const namespace = m[1] as string;
        if (failures.events > 0) {
          failures.events--;
          return status(503, "ServiceUnavailable", "the server is currently unable to handle the request");
        }
        const body = (await request.json()) as Record<string, any>;
        try {
          new EventModel(body as never).validate();
        } catch (error) {
          return status(422, "Invalid", `Event is invalid: ${(error as Error).message}`);
        }
        if (body.metadata?.namespace !== undefined && body.metadata.namespace !== namespace) {
          return status(400, "BadRequest", "the namespace of the provided object does not match the namespace sent on the request");
        }
        if (!body.metadata?.name && !body.metadata?.generateName) return status(422, "Invalid", "Event is invalid: metadata.name: Required value: name or generateName is required");
        if (!body.involvedObject?.kind || !body.involvedObject?.name) return status(422, "Invalid", "Event is invalid: involvedObject: Required value");
        if (events.some((e) => e.metadata.namespace === namespace && e.metadata.name === body.metadata.name)) {
          return status(409, "AlreadyExists", `events "${body.metadata.name}" already exists`);
        }
        // The server adds what the recorded response shows it adds: uid, resourceVersion, creationTimestamp.
        const recorded = JSON.parse(kubeFixture("event-created.json")) as Record<string, any>;
        const created = {
          eventTime: null,
          reportingComponent: "",
          reportingInstance: "",
          ...body,
          kind: "Event",
          apiVersion: "v1",
          metadata: { ...body.metadata, namespace, uid: `${recorded.metadata.uid.slice(0, -2)}${String(events.length).padStart(2, "0")}`, resourceVersion: recorded.metadata.resourceVersion, creationTimestamp: recorded.metadata.creationTimestamp },
        };
        events.push(created);
        return Response.json(created, { status: 201 });
      }
      if (request.method === "GET" && path === "/api/v1/pods") {
        const selector = url.searchParams.get("labelSelector") ?? "";
        // The critical pods and kube-system's unlabelled ones: the selector has to be sent for the answer to be right.
        const list = JSON.parse(kubeFixture("pods-critical.json")) as { items: Labelled[] };
        const unlabelled = (JSON.parse(kubeFixture("pods-kube-system.json")) as { items: Labelled[] }).items;
        return Response.json({ ...list, items: [...list.items, ...unlabelled].filter((p) => matchesSelector(p, selector)) });
      }
      if (request.method === "GET" && path === "/api/v1/namespaces/kube-system/pods") {
        const list = JSON.parse(kubeFixture("pods-kube-system.json")) as { items: Labelled[] };
        return Response.json({ ...list, items: list.items.filter((p) => matchesSelector(p, url.searchParams.get("labelSelector") ?? "")) });
      }
      if ((m = /^\/apis\/apps\/v1\/namespaces\/([^/]+)\/deployments(?:\/([^/]+))?$/.exec(path))) {
        const [, namespace, name] = m as unknown as [string, string, string | undefined];
        if (request.method === "GET" && !name) {
          const selector = url.searchParams.get("labelSelector") ?? "";
          const items = [...deployments.values()].filter((d) => selector === "" || `app=${(d as { metadata: { labels: { app: string } } }).metadata.labels.app}` === selector);
          return Response.json({ kind: "DeploymentList", apiVersion: "apps/v1", metadata: { resourceVersion: "1" }, items });
        }
        if (request.method === "POST" && !name) {
          const body = (await request.json()) as { metadata: { name: string; labels: Record<string, string> } };
          if (deployments.has(body.metadata.name)) return status(409, "AlreadyExists", `deployments.apps "${body.metadata.name}" already exists`);
          const created = { ...body, metadata: { ...body.metadata, namespace, uid: "uid-deploy", generation: 1, creationTimestamp: "2026-11-22T00:45:00Z" } };
          deployments.set(body.metadata.name, created);
          pollsSinceCreate = 0;
          return Response.json(created, { status: 201 });
        }
        if (request.method === "DELETE" && name) {
          if (!deployments.delete(name)) return status(404, "NotFound", `deployments.apps "${name}" not found`);
          return Response.json({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Success", details: { name, group: "apps", kind: "deployments", uid: "uid-deploy" } });
        }
      }
      if (request.method === "GET" && (m = /^\/api\/v1\/namespaces\/([^/]+)\/pods$/.exec(path))) {
        const namespace = m[1] as string;
        const selector = url.searchParams.get("labelSelector") ?? "";
        const deploy = [...deployments.keys()].find((d) => selector === `app=${d}`);
        if (!deploy) return Response.json({ kind: "PodList", apiVersion: "v1", metadata: {}, items: [] });
        pollsSinceCreate++;
        const spec = deployments.get(deploy) as { spec: { replicas: number } };
        const scheduled = pollsSinceCreate > (options.pollsUntilScheduled ?? 1);
        const runningNow = pollsSinceCreate > (options.pollsUntilRunning ?? 2);
        const items = Array.from({ length: spec.spec.replicas }, (_, i) => {
          const pod = JSON.parse(kubeFixture("pod-canary.json").replaceAll("DEPLOY", deploy).replaceAll("NAMESPACE", namespace).replaceAll("NAME", `${deploy}-5c9d8b7f6-${i}`));
          pod.status.phase = runningNow ? "Running" : "Pending";
          pod.status.conditions = scheduled ? [{ type: "PodScheduled", status: "True", lastTransitionTime: "2026-11-22T00:45:01Z" }] : [{ type: "PodScheduled", status: "False", reason: "Unschedulable" }];
          if (scheduled) pod.spec.nodeName = "node-1";
          return pod;
        });
        return Response.json({ kind: "PodList", apiVersion: "v1", metadata: { resourceVersion: "2" }, items });
      }
      return status(404, "NotFound", `the server could not find the requested resource (${request.method} ${path})`);
    },
  });
  return { url: `https://127.0.0.1:${server.port}`, requests, deployments, nodes, patches, events, failures, stop: () => server.stop(true) };
}

/** A kubeconfig file pointing at `server` with the test CA and either the client certificate or a token. */
export function kubeconfigYaml(server: string, pki: TestPki, auth: { kind: "cert" } | { kind: "token"; token: string; insecure?: boolean }): string {
  const cluster = auth.kind === "token" && auth.insecure ? `    insecure-skip-tls-verify: true` : `    certificate-authority: ${pki.caFile}`;
  const user = auth.kind === "cert" ? `    client-certificate: ${pki.clientCertFile}\n    client-key: ${pki.clientKeyFile}` : `    token: ${auth.token}`;
  return `apiVersion: v1
kind: Config
clusters:
- name: test
  cluster:
    server: ${server}
${cluster}
users:
- name: satellite
  user:
${user}
contexts:
- name: test
  context:
    cluster: test
    user: satellite
current-context: test
`;
}
