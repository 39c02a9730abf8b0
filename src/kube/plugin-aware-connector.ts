import type { HttpFetch } from "../platform/http-fetch.ts";
import { createKubeConnector, type KubeConnector } from "./kube-api.ts";
import type { KubeEnvironment } from "./kubeconfig-files.ts";
import { createRestKubeConnector, needsCredentialPlugin } from "./rest-connector.ts";

export interface PluginAwareConnectors {
  /** Tried first on every run: the small REST client (rest-connector.ts). */
  rest: KubeConnector;
  /** Built on the first run that needs it: client-node's connector, which runs exec and auth-provider plugins. */
  plugins: () => KubeConnector;
}

/**
 * The agent's Kubernetes client: the REST connector, and client-node's only when the REST
 * connector finds that the kubeconfig's user needs a credential plugin (cloud kubeconfigs: aws,
 * gke-gcloud-auth-plugin, kubelogin). Both read the configuration on every run, so an edited
 * kubeconfig switches connector; the REST connector's connect reads the file and nothing
 * more, so a plugin user's run costs one extra read of it. Loaded, client-node costs an agent
 * with the checks of a Kubernetes master about 12 MiB of RSS (9 MiB private;
 * bench/cost/kube-master.ts); a token, a client certificate or the pod's service account
 * (every kubeadm master and every DaemonSet) never loads it.
 */
export function createPluginAwareKubeConnector(connectors: PluginAwareConnectors): KubeConnector {
  let withPlugins: KubeConnector | undefined;
  return {
    async connect(kubeconfig, signal) {
      try {
        return await connectors.rest.connect(kubeconfig, signal);
      } catch (error) {
        if (!needsCredentialPlugin(error)) throw error;
        withPlugins ??= connectors.plugins();
        return withPlugins.connect(kubeconfig, signal);
      }
    },
  };
}

/** The plugin-aware connector over `http`, as the agent's checks and write-back use it. */
export function createHostKubeConnector(http: HttpFetch, env: KubeEnvironment = process.env): KubeConnector {
  return createPluginAwareKubeConnector({ rest: createRestKubeConnector(http, env), plugins: () => createKubeConnector(http, env) });
}
