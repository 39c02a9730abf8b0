import type { V1NodeCondition } from "@kubernetes/client-node";
import { z } from "zod";
import type { CheckerKind } from "../probes/checker.ts";
import type { Severity } from "../events/health-state.ts";
import type { CheckOutcome } from "../probes/check-outcome.ts";
import { describeKubeError } from "../kube/kube-api.ts";
import type { CheckerDeps } from "./deps.ts";
import { capText, failed, running } from "./_outcome.ts";

/** Condition -> the status it must have and how bad it is otherwise. */
export const CONDITION_RULES: Record<string, { healthy: "True" | "False"; severity: Severity }> = {
  Ready: { healthy: "True", severity: "critical" },
  MemoryPressure: { healthy: "False", severity: "critical" },
  DiskPressure: { healthy: "False", severity: "critical" },
  PIDPressure: { healthy: "False", severity: "critical" },
  NetworkUnavailable: { healthy: "False", severity: "critical" },
  // node-problem-detector's conditions
  KernelDeadlock: { healthy: "False", severity: "warning" },
  ReadonlyFilesystem: { healthy: "False", severity: "warning" },
  CorruptDockerOverlay2: { healthy: "False", severity: "warning" },
  FrequentUnregisterNetDevice: { healthy: "False", severity: "warning" },
  FrequentKubeletRestart: { healthy: "False", severity: "warning" },
  FrequentDockerRestart: { healthy: "False", severity: "warning" },
  FrequentContainerdRestart: { healthy: "False", severity: "warning" },
};

export const kubeNodeConditionsOptions = () => z.strictObject({
  /** Node to look at; defaults to this agent's node name. */
  nodeName: z.string().min(1).optional(),
  /** Defaults to the agent's kubeconfig; without one, the in-cluster configuration. */
  kubeconfig: z.string().min(1).optional(),
});

export type KubeNodeConditionsOptions = z.output<ReturnType<typeof kubeNodeConditionsOptions>>;

/** One failed outcome per condition not in its healthy state; Ready missing counts as not ready. */
export function judgeConditions(node: string, conditions: readonly V1NodeCondition[]): CheckOutcome[] {
  const outcomes: CheckOutcome[] = [];
  if (!conditions.some((c) => c.type === "Ready")) {
    outcomes.push(failed(`node ${node} reports no Ready condition`, { severity: "critical", detail: "Ready" }));
  }
  for (const c of conditions) {
    const rule = CONDITION_RULES[c.type];
    if (!rule || c.status === rule.healthy) continue;
    const why = [c.reason, c.message].filter(Boolean).join(": ");
    outcomes.push(
      failed(capText(`node ${node} condition ${c.type} is ${c.status}, expected ${rule.healthy}${why ? ` (${why})` : ""}`), {
        severity: rule.severity,
        detail: c.type,
        data: { condition: c.type, status: c.status, reason: c.reason, since: c.lastTransitionTime ? new Date(c.lastTransitionTime).toISOString() : undefined },
      }),
    );
  }
  return outcomes;
}

export function kubeNodeConditionsKind(deps: Pick<CheckerDeps, "kube">): CheckerKind<KubeNodeConditionsOptions> {
  return {
    kind: "kube-node-conditions",
    description: "This node's Kubernetes conditions: Ready and no pressure (critical), node-problem-detector conditions (warning)",
    options: kubeNodeConditionsOptions,
    create(options, env) {
      const nodeName = options.nodeName ?? env.settings.nodeName;
      const kubeconfig = options.kubeconfig ?? env.settings.kubeconfig;
      return async (ctx) => {
        let node;
        try {
          const api = await deps.kube.connect(kubeconfig, ctx.signal);
          node = await api.readNode(nodeName);
        } catch (error) {
          return [failed(`cannot read node ${nodeName} from the API server: ${describeKubeError(error)}`, { detail: "check the kubeconfig and that the node is registered (kubectl get nodes)" })];
        }
        const conditions = node.status?.conditions ?? [];
        const outcomes = judgeConditions(nodeName, conditions);
        if (outcomes.length > 0) return outcomes;
        return [running({ detail: `node ${nodeName} Ready, ${conditions.length} conditions healthy` })];
      };
    },
  };
}
