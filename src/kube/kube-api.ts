import type { CoreV1Event, KubeConfig, V1Deployment, V1DeploymentList, V1Node, V1NodeCondition, V1NodeList, V1PodList } from "@kubernetes/client-node";
import { SatelliteError } from "../platform/errors.ts";
import { loadYaml } from "../platform/yaml-package.ts";
import type { HttpFetch } from "../platform/http-fetch.ts";
import { type KubeEnvironment, kubeconfigSource, readKubeconfigFiles } from "./kubeconfig-files.ts";

/** The slice of the Kubernetes API the checks use; every call carries the check's signal. */
export interface KubeApi {
  readNode(name: string): Promise<V1Node>;
  listNodes(labelSelector?: string): Promise<V1NodeList>;
  listPods(namespace: string, labelSelector?: string): Promise<V1PodList>;
  listPodsInAllNamespaces(labelSelector?: string): Promise<V1PodList>;
  /**
   * `PATCH /api/v1/nodes/NAME/status` as a strategic-merge patch (what node-problem-detector
   * sends): conditions merge by `type`, so only the conditions in the patch change.
   */
  patchNodeStatus(name: string, patch: NodeStatusPatch): Promise<V1Node>;
  /** `POST /api/v1/namespaces/NS/events` (core v1 Event). */
  createEvent(namespace: string, event: CoreV1Event): Promise<CoreV1Event>;
  listDeployments(namespace: string, labelSelector: string): Promise<V1DeploymentList>;
  readDeployment(namespace: string, name: string): Promise<V1Deployment>;
  createDeployment(namespace: string, deployment: V1Deployment): Promise<V1Deployment>;
  /** Deletes with background propagation (pods go with it); a missing deployment is not an error. */
  deleteDeployment(namespace: string, name: string): Promise<void>;
}

/** The body of a node status patch: only conditions are ever written. */
export interface NodeStatusPatch {
  status: { conditions: V1NodeCondition[] };
}

export const STRATEGIC_MERGE_PATCH = "application/strategic-merge-patch+json";

/** Opens a KubeApi for one check run. */
export interface KubeConnector {
  /** `kubeconfig` undefined means in-cluster configuration (service account). */
  connect(kubeconfig: string | undefined, signal: AbortSignal): Promise<KubeApi>;
}

type ClientNode = typeof import("@kubernetes/client-node");

/**
 * client-node is large (tens of MB resident once loaded), so it is loaded on the first
 * Kubernetes check run, never by merely building the registry.
 */
let clientNode: Promise<ClientNode> | undefined;
export function loadClientNode(): Promise<ClientNode> {
  clientNode ??= import("@kubernetes/client-node");
  return clientNode;
}

/**
 * Reads the client configuration (every run, so rotated credentials are picked up): the explicit
 * kubeconfig, else the files in KUBECONFIG merged as kubectl merges them, else the in-cluster
 * configuration (kubeconfig-files.ts).
 */
export async function loadKubeConfig(kubeconfig: string | undefined, env: KubeEnvironment = process.env): Promise<KubeConfig> {
  const { KubeConfig } = await loadClientNode();
  const kc = new KubeConfig();
  const source = kubeconfigSource(kubeconfig, env);
  const from = source.kind === "files" ? source.from : "(in-cluster)";
  try {
    if (source.kind === "files") kc.loadFromString(loadYaml().stringify(readKubeconfigFiles(source)));
    else if (env.KUBERNETES_SERVICE_HOST) kc.loadFromCluster();
    else throw new Error("no kubeconfig given, KUBECONFIG is unset and not running inside a pod (KUBERNETES_SERVICE_HOST is unset)");
  } catch (error) {
    throw new SatelliteError("kubeconfig", `cannot load Kubernetes client configuration${source.kind === "files" ? ` from ${from}` : ""}: ${(error as Error).message}`, {
      hint: KUBECONFIG_HINT,
      cause: error,
    });
  }
  if (!kc.getCurrentCluster()) {
    throw new SatelliteError("kubeconfig", `kubeconfig ${from} has no current cluster`, { hint: "set current-context in the kubeconfig" });
  }
  return kc;
}

export const KUBECONFIG_HINT = "pass --kubeconfig with a readable kubeconfig file, or set KUBECONFIG as for kubectl";

/** "404 Not Found: nodes \"x\" not found" from client-node's ApiException, without its body dump. */
export function describeKubeError(error: unknown): string {
  if (isApiException(error)) {
    let message = "";
    try {
      const body = (typeof error.body === "string" ? JSON.parse(error.body) : error.body) as { message?: unknown };
      if (typeof body?.message === "string") message = body.message;
    } catch {
      // body was not JSON
    }
    if (error.code === 401) message = `${message || "Unauthorized"} (check the credentials in the kubeconfig)`;
    if (error.code === 403) message = `${message || "Forbidden"} (the kubeconfig user lacks RBAC permission)`;
    return `API answered ${error.code}${message ? `: ${message}` : ""}`;
  }
  if (error instanceof Error && error.name === "AbortError") return "aborted (check timed out)";
  const code = (error as { code?: unknown } | null)?.code;
  const text = error instanceof Error ? error.message : String(error);
  return typeof code === "string" && !text.includes(code) ? `${text} (${code})` : text;
}

/** client-node's ApiException, recognised by shape so this module need not load client-node. */
function isApiException(error: unknown): error is { code: number; body: unknown } {
  return error instanceof Error && typeof (error as { code?: unknown }).code === "number" && "body" in error;
}

export function isNotFound(error: unknown): boolean {
  return isApiException(error) && error.code === 404;
}

/** `env` supplies KUBECONFIG and the in-cluster variables (the process environment unless given). */
export function createKubeConnector(http: HttpFetch, env: KubeEnvironment = process.env): KubeConnector {
  return {
    async connect(kubeconfig, signal) {
      const { AppsV1Api, CoreV1Api, ServerConfiguration, createConfiguration, setHeaderOptions, wrapHttpLibrary } = await loadClientNode();
      const { createBunHttpLibrary, kubeTls } = await import("./bun-http-library.ts");
      const kc = await loadKubeConfig(kubeconfig, env);
      const tls = await kubeTls(kc);
      const cluster = kc.getCurrentCluster();
      const config = createConfiguration({
        baseServer: new ServerConfiguration((cluster as { server: string }).server, {}),
        authMethods: { default: kc },
        httpApi: wrapHttpLibrary(createBunHttpLibrary(http, tls, signal)),
      });
      const core = new CoreV1Api(config);
      const apps = new AppsV1Api(config);
      return {
        readNode: (name) => core.readNode({ name }),
        listNodes: (labelSelector) => core.listNode({ labelSelector }),
        listPods: (namespace, labelSelector) => core.listNamespacedPod({ namespace, labelSelector }),
        listPodsInAllNamespaces: (labelSelector) => core.listPodForAllNamespaces({ labelSelector }),
        patchNodeStatus: (name, body) => core.patchNodeStatus({ name, body }, setHeaderOptions("Content-Type", STRATEGIC_MERGE_PATCH)),
        createEvent: (namespace, body) => core.createNamespacedEvent({ namespace, body }),
        listDeployments: (namespace, labelSelector) => apps.listNamespacedDeployment({ namespace, labelSelector }),
        readDeployment: (namespace, name) => apps.readNamespacedDeployment({ namespace, name }),
        createDeployment: (namespace, body) => apps.createNamespacedDeployment({ namespace, body }),
        async deleteDeployment(namespace, name) {
          try {
            await apps.deleteNamespacedDeployment({ namespace, name, propagationPolicy: "Background" });
          } catch (error) {
            if (!isNotFound(error)) throw error;
          }
        },
      };
    },
  };
}
