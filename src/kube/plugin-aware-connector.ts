import type { HttpFetch } from "../platform/http-fetch.ts";
import { createKubeConnector, type KubeConnector } from "./kube-api.ts";
import { type KubeEnvironment, kubeconfigSource, namedEntry, readKubeconfigFiles } from "./kubeconfig-files.ts";
import { createRestKubeConnector } from "./rest-connector.ts";

export interface PluginAwareConnectors {
  /** Every configuration without a credential plugin: the small REST client (rest-connector.ts). */
  rest: KubeConnector;
  /** Built on the first run that needs it: client-node's connector, which runs exec and auth-provider plugins. */
  plugins: () => KubeConnector;
  env: KubeEnvironment;
}

/**
 * True when the current context's user gets its credentials from an exec or auth-provider
 * plugin (cloud kubeconfigs: aws, gke-gcloud-auth-plugin, kubelogin). Read on every run, as the
 * connectors read the configuration, so an edited kubeconfig switches connector. Anything that
 * cannot be read answers false: the REST connector then says what is wrong with the file.
 */
export function usesCredentialPlugin(kubeconfig: string | undefined, env: KubeEnvironment): boolean {
  const source = kubeconfigSource(kubeconfig, env);
  if (source.kind !== "files") return false;
  try {
    const doc = readKubeconfigFiles(source);
    const context = namedEntry(doc, "contexts", doc["current-context"], source.from);
    const user = namedEntry(doc, "users", context.user, source.from);
    return user.exec !== undefined || user["auth-provider"] !== undefined;
  } catch {
    return false;
  }
}

/**
 * The agent's Kubernetes client: the REST connector, and client-node's only for a kubeconfig
 * whose user needs a credential plugin. Loaded, client-node costs an agent with the checks of a
 * Kubernetes master about 12 MiB of RSS (9 MiB private; bench/cost/kube-master.ts); a token, a
 * client certificate or the pod's service account (every kubeadm master and every DaemonSet)
 * never loads it.
 */
export function createPluginAwareKubeConnector(connectors: PluginAwareConnectors): KubeConnector {
  let withPlugins: KubeConnector | undefined;
  return {
    connect(kubeconfig, signal) {
      if (!usesCredentialPlugin(kubeconfig, connectors.env)) return connectors.rest.connect(kubeconfig, signal);
      withPlugins ??= connectors.plugins();
      return withPlugins.connect(kubeconfig, signal);
    },
  };
}

/** The plugin-aware connector over `http`, as the agent's checks and write-back use it. */
export function createHostKubeConnector(http: HttpFetch, env: KubeEnvironment = process.env): KubeConnector {
  return createPluginAwareKubeConnector({ rest: createRestKubeConnector(http, env), plugins: () => createKubeConnector(http, env), env });
}
