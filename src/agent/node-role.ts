import type { V1Node } from "@kubernetes/client-node";
import type { AgentConfig } from "../config/load.ts";
import { describeKubeError, type KubeConnector } from "../kube/kube-api.ts";
import { type Clock, sleep } from "../platform/clock.ts";
import type { Logger } from "../platform/logger.ts";

/** Tries at start; the API server may be starting with the node. Worst case about 12 s before the agent goes on. */
const ATTEMPTS = 2;
const RETRY_MS = 2_000;
const REQUEST_TIMEOUT_MS = 5_000;

/** The label present on the Node means master (as `node-role.kubernetes.io/control-plane` marks them), absent node. */
export function roleOfNode(node: V1Node, labelKey: string): "master" | "node" {
  return Object.hasOwn(node.metadata?.labels ?? {}, labelKey) ? "master" : "node";
}

export interface NodeRoleDeps {
  kube: KubeConnector;
  clock: Clock;
  logger: Logger;
}

/**
 * With `--role-from-node-label KEY`, the configuration with `role` taken from this node's own
 * Node object (the downward API cannot expose node labels). When the Node cannot be read, the
 * role from `--tags` stays and a warning says why: a health agent must start also when the
 * API server is down.
 */
export async function applyRoleFromNodeLabel(config: AgentConfig, deps: NodeRoleDeps): Promise<AgentConfig> {
  const labelKey = config.roleFromNodeLabel;
  if (!labelKey) return config;
  let lastError = "";
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    const controller = new AbortController();
    const timer = deps.clock.setTimer(REQUEST_TIMEOUT_MS, () => controller.abort(new Error(`no answer from the API server within ${REQUEST_TIMEOUT_MS}ms`)));
    try {
      const api = await deps.kube.connect(config.kubeconfig || undefined, controller.signal);
      const role = roleOfNode(await api.readNode(config.name), labelKey);
      deps.logger.info("role from the Node object", { node: config.name, label: labelKey, role });
      return { ...config, tags: { ...config.tags, role } };
    } catch (error) {
      lastError = describeKubeError(error);
    } finally {
      timer.cancel();
    }
    if (attempt < ATTEMPTS) await sleep(deps.clock, RETRY_MS);
  }
  deps.logger.warn(`cannot read Node ${config.name} for --role-from-node-label; keeping role ${config.tags.role ?? "master"} from --tags`, {
    error: lastError,
    hint: "the agent needs RBAC get on nodes, and --name must be the Node's name (spec.nodeName from the downward API)",
  });
  return config;
}
