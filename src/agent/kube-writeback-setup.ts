import type { AgentConfig } from "../config/load.ts";
import type { EventStream } from "../events/event-stream.ts";
import type { KubeConnector } from "../kube/kube-api.ts";
import { createHostKubeConnector } from "../kube/plugin-aware-connector.ts";
import { startKubeEventWriter } from "../kube-writeback/kube-event-writer.ts";
import { startNodeConditionWriter } from "../kube-writeback/node-condition-writer.ts";
import type { Clock } from "../platform/clock.ts";
import { bunHttpFetch } from "../platform/http-fetch.ts";
import type { Logger } from "../platform/logger.ts";

/**
 * The agent's own Kubernetes client (role from the Node label, condition, events), the same kind
 * the checks use; it reaches the network only when one of those flags is set.
 */
export const agentKubeConnector: KubeConnector = createHostKubeConnector(bunHttpFetch);

export interface KubeWritebackDeps {
  events: EventStream;
  kube: KubeConnector;
  clock: Clock;
  logger: Logger;
  /** The names of every check this agent runs. */
  checks: readonly string[];
}

/**
 * Starts what `--kube-node-condition` and `--kube-events` ask for (neither by default); returns
 * the function that stops them.
 */
export function startKubeWriteback(config: Pick<AgentConfig, "name" | "kubeconfig" | "kubeNodeCondition" | "kubeEvents">, deps: KubeWritebackDeps): () => Promise<void> {
  const kubeconfig = config.kubeconfig || undefined;
  const stops: (() => Promise<void>)[] = [];
  if (config.kubeNodeCondition) {
    const writer = startNodeConditionWriter({ nodeName: config.name, checks: deps.checks, events: deps.events, kube: deps.kube, kubeconfig, clock: deps.clock, logger: deps.logger.child({ part: "kube-node-condition" }) });
    stops.push(() => writer.stop());
  }
  if (config.kubeEvents) {
    const writer = startKubeEventWriter({ nodeName: config.name, events: deps.events, kube: deps.kube, kubeconfig, clock: deps.clock, logger: deps.logger.child({ part: "kube-events" }) });
    stops.push(() => writer.stop());
  }
  return async () => {
    for (const stop of stops) await stop();
  };
}
