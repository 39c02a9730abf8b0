import type { V1Node } from "@kubernetes/client-node";
import { z } from "zod";
import type { CheckerKind } from "../probes/checker.ts";
import type { CheckOutcome } from "../probes/check-outcome.ts";
import { describeKubeError } from "../kube/kube-api.ts";
import type { CheckerDeps } from "./deps.ts";
import { capText, failed, running } from "./_outcome.ts";

/** Not-ready nodes named in the error at most; the data lists up to NOT_READY_LISTED_MAX. */
const NAMED_IN_ERROR_MAX = 10;
const NOT_READY_LISTED_MAX = 100;

export const kubeNodesReadyOptions = () => z.strictObject({
  /** At least this many nodes must be Ready (the original agent's nodesReadyThreshold). */
  minReady: z.number().int().min(0).max(100_000).default(1),
  /** And at least this share of the selected nodes, 0..100; unset: no share required. */
  minReadyPercent: z.number().min(0).max(100).optional(),
  /** Only nodes with these labels count, e.g. `node-role.kubernetes.io/control-plane`. */
  labelSelector: z.string().min(1).max(1024).optional(),
  kubeconfig: z.string().min(1).optional(),
});

export type KubeNodesReadyOptions = z.output<ReturnType<typeof kubeNodesReadyOptions>>;

/** Why a node is not Ready ("NotReady (KubeletNotReady: ...)"), or undefined when it is Ready. */
export function nodeNotReady(node: V1Node): string | undefined {
  const ready = node.status?.conditions?.find((c) => c.type === "Ready");
  if (ready?.status === "True") return undefined;
  if (!ready) return "no Ready condition";
  const why = [ready.reason, ready.message].filter(Boolean).join(": ");
  return `Ready is ${ready.status}${why ? ` (${why})` : ""}`;
}

/** The items of a list the API answered; anything else is an error naming what was expected. */
export function itemsOf<T>(list: { items?: unknown } | null | undefined, kind: string): T[] {
  if (!list || !Array.isArray(list.items)) throw new Error(`the API answered something other than a ${kind}`);
  return (list.items as unknown[]).filter((item): item is T => item !== null && typeof item === "object");
}

/** Cluster-wide: how many nodes are Ready, against a count and a share. One outcome; critical. */
export function kubeNodesReadyKind(deps: Pick<CheckerDeps, "kube">): CheckerKind<KubeNodesReadyOptions> {
  return {
    kind: "kube-nodes-ready",
    description: "At least minReady nodes (and minReadyPercent of them) are Ready, cluster-wide",
    options: kubeNodesReadyOptions,
    create(options, env) {
      const kubeconfig = options.kubeconfig ?? env.settings.kubeconfig;
      return async (ctx): Promise<CheckOutcome[]> => {
        let nodes: V1Node[];
        try {
          const api = await deps.kube.connect(kubeconfig, ctx.signal);
          nodes = itemsOf(await api.listNodes(options.labelSelector), "NodeList");
        } catch (error) {
          return [failed(`cannot list nodes: ${describeKubeError(error)}`, { detail: "check the kubeconfig, the API server and RBAC list on nodes" })];
        }
        const notReady = nodes.flatMap((node) => {
          const why = nodeNotReady(node);
          return why ? [{ name: node.metadata?.name ?? "?", why }] : [];
        });
        const total = nodes.length;
        const ready = total - notReady.length;
        const neededByShare = options.minReadyPercent === undefined ? 0 : Math.ceil((options.minReadyPercent / 100) * total);
        const needed = Math.max(options.minReady, neededByShare);
        const metrics = { nodes_ready: ready, nodes_total: total };
        const data = { ready, total, needed, notReady: notReady.slice(0, NOT_READY_LISTED_MAX) };
        const selected = options.labelSelector ? ` matching ${options.labelSelector}` : "";
        if (ready >= needed) return [running({ detail: `${ready} of ${total} nodes${selected} Ready`, metrics, data })];
        const named = notReady.slice(0, NAMED_IN_ERROR_MAX).map((n) => `${n.name} ${n.why}`);
        const more = notReady.length > NAMED_IN_ERROR_MAX ? `, and ${notReady.length - NAMED_IN_ERROR_MAX} more` : "";
        const share = options.minReadyPercent === undefined ? "" : ` (${options.minReadyPercent}% of ${total})`;
        return [
          failed(capText(`not enough ready nodes: ${ready} of ${total}${selected} Ready, at least ${needed}${share} needed${named.length > 0 ? `; not ready: ${named.join("; ")}${more}` : ""}`), {
            detail: notReady.length > 0 ? notReady.slice(0, NAMED_IN_ERROR_MAX).map((n) => n.name).join(",") : "no nodes",
            metrics,
            data,
          }),
        ];
      };
    },
  };
}
