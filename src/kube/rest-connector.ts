import { readFileSync } from "node:fs";
import { dirname, isAbsolute, join } from "node:path";
import type { V1Deployment, V1DeploymentList, V1Node, V1PodList } from "@kubernetes/client-node";
import { parse } from "yaml";
import { SatelliteError } from "../platform/errors.ts";
import type { HttpFetch, TlsMaterial } from "../platform/http-fetch.ts";
import type { KubeApi, KubeConnector } from "./kube-api.ts";

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

function named(list: unknown, name: unknown, what: string, file: string): Yaml {
  const found = Array.isArray(list) ? (list as { name?: unknown }[]).find((e) => e?.name === name) : undefined;
  if (!found) throw new Error(`${what} "${String(name)}" is not defined in ${file}`);
  return found as Yaml;
}

/**
 * Reads what the checks need from a kubeconfig: server, CA (file or data), client certificate
 * (file or data), token (or tokenFile), basic auth, insecure-skip-tls-verify. Exec and
 * auth-provider plugins are refused with a clear error.
 */
export function readKubeTarget(kubeconfig: string | undefined): KubeTarget {
  try {
    if (!kubeconfig) {
      const host = process.env.KUBERNETES_SERVICE_HOST;
      if (!host) throw new Error("no kubeconfig given and not running inside a pod (KUBERNETES_SERVICE_HOST is unset)");
      const port = process.env.KUBERNETES_SERVICE_PORT ?? "443";
      return {
        server: `https://${host.includes(":") ? `[${host}]` : host}:${port}`,
        tls: { ca: readFileSync(join(SERVICE_ACCOUNT, "ca.crt"), "utf8") },
        headers: { authorization: `Bearer ${readFileSync(join(SERVICE_ACCOUNT, "token"), "utf8").trim()}` },
      };
    }
    const doc = parse(readFileSync(kubeconfig, "utf8")) as Yaml;
    const context = named(doc.contexts, doc["current-context"], "context", kubeconfig).context as Yaml;
    const cluster = named(doc.clusters, context.cluster, "cluster", kubeconfig).cluster as Yaml;
    const user = (named(doc.users, context.user, "user", kubeconfig).user ?? {}) as Yaml;
    const base = dirname(kubeconfig);
    const file = (path: unknown): string => readFileSync(isAbsolute(String(path)) ? String(path) : join(base, String(path)), "utf8");
    const data = (value: unknown): string => Buffer.from(String(value), "base64").toString("utf8");
    const pick = (node: Yaml, key: string): string | undefined =>
      node[`${key}-data`] !== undefined ? data(node[`${key}-data`]) : node[key] !== undefined ? file(node[key]) : undefined;
    if (user.exec || user["auth-provider"]) throw new Error(`user "${String(context.user)}" uses an exec or auth-provider plugin, which this client does not run; use a token or client certificate`);
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
    if (typeof cluster.server !== "string") throw new Error(`cluster "${String(context.cluster)}" has no server in ${kubeconfig}`);
    return { server: cluster.server.replace(/\/+$/, ""), tls, headers };
  } catch (error) {
    throw new SatelliteError("kubeconfig", `cannot load Kubernetes client configuration${kubeconfig ? ` from ${kubeconfig}` : ""}: ${(error as Error).message}`, {
      hint: "pass --kubeconfig with a readable kubeconfig file",
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
export function createRestKubeConnector(http: HttpFetch): KubeConnector {
  return {
    async connect(kubeconfig, signal) {
      const target = readKubeTarget(kubeconfig);
      const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
        const response = await http({
          url: `${target.server}${path}`,
          method,
          headers: { ...target.headers, accept: "application/json", ...(body ? { "content-type": "application/json" } : {}) },
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
        listPods: (namespace, selector) => call<V1PodList>("GET", `/api/v1${ns(namespace)}/pods${q(selector)}`),
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
