import { isIP } from "node:net";
import type { V1Pod } from "@kubernetes/client-node";
import { describeKubeError, type KubeApi, type KubeConnector } from "../kube/kube-api.ts";
import type { Clock, Timer } from "../platform/clock.ts";
import type { Logger } from "../platform/logger.ts";
import type { NethealthPeer } from "./echo-prober.ts";

/** Where the other nethealth pods are: the pods of this DaemonSet, by label. */
export interface KubePeerSource {
  namespace: string;
  /** Label selector of the DaemonSet's pods, e.g. app.kubernetes.io/name=satellite-nethealth. */
  selector: string;
  /** The echo port every pod listens on. */
  port: number;
  /** This node's name: its own pod is not a peer. */
  self: string;
}

/**
 * The running pods of the DaemonSet on other nodes, one per node (during a rollout the newest),
 * named by their node so the overlay check can match them with gossip members.
 */
export function peersFromPods(pods: readonly V1Pod[], source: Pick<KubePeerSource, "port" | "self">): NethealthPeer[] {
  const newest = new Map<string, { pod: V1Pod; ip: string }>();
  for (const pod of pods) {
    const node = pod.spec?.nodeName;
    const ip = pod.status?.podIP;
    if (!node || node === source.self || !ip || isIP(ip) === 0) continue;
    if (pod.status?.phase !== "Running" || pod.metadata?.deletionTimestamp) continue;
    const seen = newest.get(node);
    if (!seen || created(pod) > created(seen.pod)) newest.set(node, { pod, ip });
  }
  return [...newest].map(([name, { ip }]) => ({ name, ip, port: source.port }));
}

function created(pod: V1Pod): number {
  const at = pod.metadata?.creationTimestamp;
  const ms = at === undefined ? Number.NaN : new Date(at as unknown as string).getTime();
  return Number.isFinite(ms) ? ms : 0;
}

export async function listKubePeers(api: KubeApi, source: KubePeerSource): Promise<NethealthPeer[]> {
  const list = await api.listPods(source.namespace, source.selector);
  return peersFromPods(list.items ?? [], source);
}

export interface KubePeerRefreshOptions {
  connector: KubeConnector;
  /** Unset: the in-cluster configuration. */
  kubeconfig: string | undefined;
  source: KubePeerSource;
  clock: Clock;
  logger: Logger;
  intervalMs: number;
  /** A listing gives up after this long (the next one is tried at the next interval). */
  timeoutMs: number;
  onPeers(peers: NethealthPeer[]): void;
}

/**
 * Lists the peers now and every interval. A failed listing keeps the peers known so far (the
 * pod network is still worth testing while the API server is away) and is logged.
 */
export function startKubePeerRefresh(options: KubePeerRefreshOptions): { stop(): void; refreshed: Promise<void> } {
  let timer: Timer | undefined;
  let stopped = false;
  let lastError: string | undefined;
  const refresh = async (): Promise<void> => {
    const abort = new AbortController();
    const deadline = options.clock.setTimer(options.timeoutMs, () => abort.abort(new Error(`listing the pods took longer than ${options.timeoutMs} ms`)));
    try {
      const api = await options.connector.connect(options.kubeconfig, abort.signal);
      const peers = await listKubePeers(api, options.source);
      if (stopped) return;
      options.onPeers(peers);
      if (lastError !== undefined) options.logger.info("listing nethealth pods works again", { peers: peers.length });
      lastError = undefined;
    } catch (error) {
      const message = describeKubeError(error);
      if (message !== lastError) {
        options.logger.warn(`cannot list the nethealth pods in ${options.source.namespace} (${options.source.selector}); echoing with the peers known so far`, { error: message });
      }
      lastError = message;
    } finally {
      deadline.cancel();
      if (!stopped) timer = options.clock.setTimer(options.intervalMs, () => void refresh());
    }
  };
  const refreshed = refresh();
  return {
    refreshed,
    stop() {
      stopped = true;
      timer?.cancel();
    },
  };
}
