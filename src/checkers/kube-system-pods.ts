import type { V1Pod } from "@kubernetes/client-node";
import { z } from "zod";
import type { CheckerKind } from "../probes/checker.ts";
import type { CheckOutcome } from "../probes/check-outcome.ts";
import { describeKubeError } from "../kube/kube-api.ts";
import type { CheckerDeps } from "./deps.ts";
import { capText, failed, running } from "./_outcome.ts";

const BAD_WAITING = new Set(["CrashLoopBackOff", "ImagePullBackOff", "ErrImagePull"]);

export const kubeSystemPodsOptions = () => z.strictObject({
  namespace: z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, "expected a namespace name").default("kube-system"),
  kubeconfig: z.string().min(1).optional(),
});

export type KubeSystemPodsOptions = z.output<ReturnType<typeof kubeSystemPodsOptions>>;

/** Why a pod is unhealthy, or undefined. Failed phase, a bad waiting reason, or a non-zero exit. */
export function podProblem(pod: V1Pod): string | undefined {
  if (pod.status?.phase === "Failed") return `phase Failed${pod.status.reason ? ` (${pod.status.reason})` : ""}`;
  if (pod.status?.phase === "Succeeded") return undefined;
  const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
  for (const s of statuses) {
    const waiting = s.state?.waiting;
    if (waiting?.reason && BAD_WAITING.has(waiting.reason)) {
      return `container ${s.name} is waiting: ${waiting.reason}${waiting.message ? ` (${waiting.message})` : ""}`;
    }
    const terminated = s.state?.terminated;
    if (terminated && terminated.exitCode !== 0) {
      return `container ${s.name} terminated with exit code ${terminated.exitCode}${terminated.reason ? ` (${terminated.reason})` : ""}`;
    }
  }
  return undefined;
}

/** Critical system pods: one warning per unhealthy pod (detail = namespace/name). */
export function kubeSystemPodsKind(deps: Pick<CheckerDeps, "kube">): CheckerKind<KubeSystemPodsOptions> {
  return {
    kind: "kube-system-pods",
    description: "Pods in kube-system are not Failed, crash-looping, failing image pulls or exiting non-zero (warning)",
    options: kubeSystemPodsOptions,
    create(options, env) {
      const kubeconfig = options.kubeconfig ?? env.settings.kubeconfig;
      return async (ctx): Promise<CheckOutcome[]> => {
        let pods: V1Pod[];
        try {
          const api = await deps.kube.connect(kubeconfig, ctx.signal);
          pods = (await api.listPods(options.namespace)).items;
        } catch (error) {
          return [failed(`cannot list pods in ${options.namespace}: ${describeKubeError(error)}`, { detail: "check the kubeconfig and the API server" })];
        }
        const outcomes = pods.flatMap((pod) => {
          const problem = podProblem(pod);
          if (!problem) return [];
          const name = `${pod.metadata?.namespace ?? options.namespace}/${pod.metadata?.name ?? "?"}`;
          return [failed(capText(`pod ${name}: ${problem}`), { severity: "warning", detail: name, data: { pod: name, node: pod.spec?.nodeName } })];
        });
        if (outcomes.length > 0) return outcomes.slice(0, 100);
        return [running({ detail: `${pods.length} pods in ${options.namespace} healthy` })];
      };
    },
  };
}
