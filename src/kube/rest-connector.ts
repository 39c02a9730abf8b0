import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { CoreV1Event, V1Deployment, V1DeploymentList, V1Node, V1NodeList, V1PodList } from "@kubernetes/client-node";
import { SatelliteError } from "../platform/errors.ts";
import type { HttpFetch, TlsMaterial } from "../platform/http-fetch.ts";
import { KUBECONFIG_HINT, STRATEGIC_MERGE_PATCH, type KubeApi, type KubeConnector } from "./kube-api.ts";
import { type KubeEnvironment, kubeconfigSource, namedEntry, readKubeconfigFiles } from "./kubeconfig-files.ts";

const SERVICE_ACCOUNT = "/var/run/secrets/kubernetes.io/serviceaccount";

/** Where to send requests and how to authenticate, from a kubeconfig or the pod's service account. */
export interface KubeTarget {
  server: string;
  tls: TlsMaterial;
  headers: Record<string, string>;
}

/** An API error shaped like client-node's ApiException (numeric code, body), so describeKubeError reads both. */
export class KubeApiError extends Error {
  constructor(
    readonly code: number,
    readonly body: unknown,
  ) {
    super(`HTTP-Code: ${code}`);
    this.name = "KubeApiError";
  }
}

type Yaml = Record<string, unknown>;

/** The kubeconfig's user gets its credentials from an exec or auth-provider plugin, which this client does not run. */
export class CredentialPluginRequired extends Error {
  override readonly name = "CredentialPluginRequired";
}

/** True for what connect() rejects with when the kubeconfig's user needs a credential plugin. */
export function needsCredentialPlugin(error: unknown): boolean {
  return error instanceof CredentialPluginRequired || (error instanceof Error && error.cause instanceof CredentialPluginRequired);
}

/**
 * Reads what the client needs from the kubeconfig (kubeconfig-files.ts decides which: explicit,
 * KUBECONFIG merged, or in-cluster): server, CA (file or data), client certificate (file or
 * data), token (or tokenFile), basic auth, insecure-skip-tls-verify. Exec and auth-provider
 * plugins are refused with a clear error.
 */
export function readKubeTarget(kubeconfig: string | undefined, env: KubeEnvironment = process.env): KubeTarget {
  const source = kubeconfigSource(kubeconfig, env);
  try {
    if (source.kind === "in-cluster") {
      const host = env.KUBERNETES_SERVICE_HOST;
      if (!host) throw new Error("no kubeconfig given, KUBECONFIG is unset and not running inside a pod (KUBERNETES_SERVICE_HOST is unset)");
      const port = env.KUBERNETES_SERVICE_PORT ?? "443";
      return {
        server: `https://${host.includes(":") ? `[${host}]` : host}:${port}`,
        tls: { ca: readFileSync(join(SERVICE_ACCOUNT, "ca.crt"), "utf8") },
        headers: { authorization: `Bearer ${readFileSync(join(SERVICE_ACCOUNT, "token"), "utf8").trim()}` },
      };
    }
    const doc = readKubeconfigFiles(source);
    const current = doc["current-context"];
    if (typeof current !== "string") throw new Error(`no current-context is set in ${source.from}`);
    const context = namedEntry(doc, "contexts", current, source.from);
    const cluster = namedEntry(doc, "clusters", context.cluster, source.from);
    const user = namedEntry(doc, "users", context.user, source.from);
    // Paths are absolute after the merge; a relative one left is taken from the working directory.
    const file = (path: unknown): string => readFileSync(String(path), "utf8");
    const data = (value: unknown): string => Buffer.from(String(value), "base64").toString("utf8");
    const pick = (node: Yaml, key: string): string | undefined =>
      node[`${key}-data`] !== undefined ? data(node[`${key}-data`]) : node[key] !== undefined ? file(node[key]) : undefined;
    if (user.exec || user["auth-provider"]) throw new CredentialPluginRequired(`user "${String(context.user)}" uses an exec or auth-provider plugin, which this client does not run; use a token or client certificate`);
    const tls: TlsMaterial = {};
    const ca = pick(cluster, "certificate-authority");
    if (ca) tls.ca = ca;
    const cert = pick(user, "client-certificate");
    const key = pick(user, "client-key");
    if (cert) tls.cert = cert;
    if (key) tls.key = key;
    if (cluster["insecure-skip-tls-verify"] === true) tls.rejectUnauthorized = false;
    const headers: Record<string, string> = {};
    const token = typeof user.token === "string" ? user.token : user.tokenFile ? file(user.tokenFile).trim() : undefined;
    if (token) headers.authorization = `Bearer ${token}`;
    else if (typeof user.username === "string") headers.authorization = `Basic ${Buffer.from(`${user.username}:${String(user.password ?? "")}`).toString("base64")}`;
    if (typeof cluster.server !== "string") throw new Error(`cluster "${String(context.cluster)}" has no server in ${source.from}`);
    return { server: cluster.server.replace(/\/+$/, ""), tls, headers };
  } catch (error) {
    throw new SatelliteError("kubeconfig", `cannot load Kubernetes client configuration${source.kind === "files" ? ` from ${source.from}` : ""}: ${(error as Error).message}`, {
      hint: KUBECONFIG_HINT,
      cause: error,
    });
  }
}

/** Most bytes of an API response read (a kube-system pod list of a big cluster fits). */
const RESPONSE_BYTES_MAX = 32 * 1024 * 1024;

/**
 * A small REST client for the few calls the checks make, over HttpFetch. An alternative to the
 * client-node connector that keeps client-node out of the binary (about 14 MiB resident).
 */
export function createRestKubeConnector(http: HttpFetch, env: KubeEnvironment = process.env): KubeConnector {
  return {
    async connect(kubeconfig, signal) {
      const target = readKubeTarget(kubeconfig, env);
      const call = async <T>(method: string, path: string, body?: unknown, contentType = "application/json"): Promise<T> => {
        const response = await http({
          url: `${target.server}${path}`,
          method,
          headers: { ...target.headers, accept: "application/json", ...(body ? { "content-type": contentType } : {}) },
          body: body === undefined ? undefined : JSON.stringify(body),
          signal,
          tls: target.tls,
        });
        const length = Number(response.headers.get("content-length") ?? 0);
        if (length > RESPONSE_BYTES_MAX) throw new Error(`API response of ${length} bytes is larger than ${RESPONSE_BYTES_MAX}`);
        const text = await response.text();
        if (response.status < 200 || response.status > 299) throw new KubeApiError(response.status, text);
        return JSON.parse(text) as T;
      };
      const q = (selector: string | undefined): string => (selector ? `?labelSelector=${encodeURIComponent(selector)}` : "");
      const ns = (namespace: string): string => `/namespaces/${encodeURIComponent(namespace)}`;
      return {
        readNode: (name) => call<V1Node>("GET", `/api/v1/nodes/${encodeURIComponent(name)}`),
        listNodes: (selector) => call<V1NodeList>("GET", `/api/v1/nodes${q(selector)}`),
        listPods: (namespace, selector) => call<V1PodList>("GET", `/api/v1${ns(namespace)}/pods${q(selector)}`),
        listPodsInAllNamespaces: (selector) => call<V1PodList>("GET", `/api/v1/pods${q(selector)}`),
        patchNodeStatus: (name, patch) => call<V1Node>("PATCH", `/api/v1/nodes/${encodeURIComponent(name)}/status`, patch, STRATEGIC_MERGE_PATCH),
        createEvent: (namespace, event) => call<CoreV1Event>("POST", `/api/v1${ns(namespace)}/events`, event),
        listDeployments: (namespace, selector) => call<V1DeploymentList>("GET", `/apis/apps/v1${ns(namespace)}/deployments${q(selector)}`),
        readDeployment: (namespace, name) => call<V1Deployment>("GET", `/apis/apps/v1${ns(namespace)}/deployments/${encodeURIComponent(name)}`),
        createDeployment: (namespace, deployment) => call<V1Deployment>("POST", `/apis/apps/v1${ns(namespace)}/deployments`, deployment),
        async deleteDeployment(namespace, name) {
          try {
            await call("DELETE", `/apis/apps/v1${ns(namespace)}/deployments/${encodeURIComponent(name)}`, { kind: "DeleteOptions", apiVersion: "v1", propagationPolicy: "Background" });
          } catch (error) {
            if (!(error instanceof KubeApiError && error.code === 404)) throw error;
          }
        },
      };
    },
  };
}
