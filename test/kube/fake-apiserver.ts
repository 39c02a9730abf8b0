import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { TestPki } from "../checkers/_certs.ts";

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

export interface FakeApiServer {
  url: string;
  requests: { method: string; path: string; authorization?: string }[];
  deployments: Map<string, unknown>;
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
        const name = m[1] as string;
        if (name === "node-1") return new Response(kubeFixture("node-ready.json"), { headers: { "content-type": "application/json" } });
        if (name === "node-2") return new Response(kubeFixture("node-pressure.json"), { headers: { "content-type": "application/json" } });
        return new Response(kubeFixture("status-404.json").replaceAll("NAME", name), { status: 404, headers: { "content-type": "application/json" } });
      }
      if (request.method === "GET" && path === "/api/v1/namespaces/kube-system/pods") {
        return new Response(kubeFixture("pods-kube-system.json"), { headers: { "content-type": "application/json" } });
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
  return { url: `https://127.0.0.1:${server.port}`, requests, deployments, stop: () => server.stop(true) };
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
