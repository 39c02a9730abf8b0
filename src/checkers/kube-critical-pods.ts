import type { V1Pod } from "@kubernetes/client-node";
import { z } from "zod";
import type { CheckerKind } from "../probes/checker.ts";
import type { CheckOutcome } from "../probes/check-outcome.ts";
import { describeKubeError } from "../kube/kube-api.ts";
import type { CheckerDeps } from "./deps.ts";
import { capText, failed, running } from "./_outcome.ts";
import { itemsOf } from "./kube-nodes-ready.ts";
import { podProblem } from "./kube-system-pods.ts";

/** The original agent's label for the pods a cluster cannot do without. */
export const CRITICAL_POD_LABEL = "gravitational.io/critical-pod";
const OUTCOMES_MAX = 100;

export const kubeCriticalPodsOptions = () => z.strictObject({
  /** Which pods count as critical: a label selector, as kubectl's `-l`. */
  labelSelector: z.string().min(1).max(1024).default(CRITICAL_POD_LABEL),
  /** Only this namespace; unset: every namespace. */
  namespace: z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, "expected a namespace name").max(63).optional(),
  kubeconfig: z.string().min(1).optional(),
});

export type KubeCriticalPodsOptions = z.output<ReturnType<typeof kubeCriticalPodsOptions>>;

/**
 * Cluster-wide: the pods selected by a label (the original's `gravitational.io/critical-pod`)
 * in every namespace are not Failed, crash-looping, failing image pulls or exiting non-zero.
 * One warning per unhealthy pod (detail = namespace/name), as kube-system-pods.
 */
export function kubeCriticalPodsKind(deps: Pick<CheckerDeps, "kube">): CheckerKind<KubeCriticalPodsOptions> {
  return {
    kind: "kube-critical-pods",
    description: "Pods selected by a label (gravitational.io/critical-pod) across namespaces are not failing (warning)",
    options: kubeCriticalPodsOptions,
    create(options, env) {
      const kubeconfig = options.kubeconfig ?? env.settings.kubeconfig;
      const where = options.namespace ? `namespace ${options.namespace}` : "all namespaces";
      return async (ctx): Promise<CheckOutcome[]> => {
        let pods: V1Pod[];
        try {
          const api = await deps.kube.connect(kubeconfig, ctx.signal);
          const list = options.namespace ? await api.listPods(options.namespace, options.labelSelector) : await api.listPodsInAllNamespaces(options.labelSelector);
          pods = itemsOf<V1Pod>(list, "PodList");
        } catch (error) {
          return [failed(`cannot list pods ${options.labelSelector} in ${where}: ${describeKubeError(error)}`, { detail: "check the kubeconfig, the API server and RBAC list on pods" })];
        }
        const outcomes = pods.flatMap((pod) => {
          const problem = podProblem(pod);
          if (!problem) return [];
          const name = `${pod.metadata?.namespace ?? "?"}/${pod.metadata?.name ?? "?"}`;
          return [failed(capText(`critical pod ${name}: ${problem}`), { severity: "warning", detail: name, data: { pod: name, node: pod.spec?.nodeName } })];
        });
        if (outcomes.length > 0) return outcomes.slice(0, OUTCOMES_MAX);
        return [running({ detail: `${pods.length} pods ${options.labelSelector} in ${where} healthy`, metrics: { pods: pods.length } })];
      };
    },
  };
}
