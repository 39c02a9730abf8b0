import type { V1Pod } from "@kubernetes/client-node";
import { z } from "zod";
import { describeKubeError } from "../kube/kube-api.ts";
import { NETHEALTH_DEFAULT_NAMESPACE, NETHEALTH_DEFAULT_SELECTOR, NETHEALTH_PORT } from "../nethealth/nethealth-options.ts";
import { NETHEALTH_REPORT_BYTES_MAX, nethealthReportSchema, type NethealthReport } from "../nethealth/peer-report.ts";
import type { CheckerKind } from "../probes/checker.ts";
import type { CheckOutcome } from "../probes/check-outcome.ts";
import type { CheckerDeps } from "./deps.ts";
import { describeHttpError, quoteBody, readBodyCapped } from "./_http-probe.ts";
import { failed } from "./_outcome.ts";
import { overlayVerdict } from "./_overlay-verdict.ts";

export const overlayOptions = () => z.strictObject({
  /** The nethealth report; without it, the nethealth pod on this node is found through the Kubernetes API. */
  url: z.string().regex(/^https?:\/\/[^\s/]+/, "expected an http:// or https:// URL").optional(),
  namespace: z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, "expected a namespace name").default(NETHEALTH_DEFAULT_NAMESPACE),
  selector: z.string().min(1).max(1024).default(NETHEALTH_DEFAULT_SELECTOR),
  port: z.number().int().min(1).max(65535).default(NETHEALTH_PORT),
  kubeconfig: z.string().min(1).optional(),
  lossFailPercent: z.number().min(0).max(100).default(20),
  hostLossOkPercent: z.number().min(0).max(100).default(10),
  samplesMin: z.number().int().min(1).default(5),
  p95WarningMs: z.number().positive().default(100),
});
export type OverlayOptions = z.output<ReturnType<typeof overlayOptions>>;

type Located = { url: string } | { problem: CheckOutcome };

/** The URL of this node's nethealth report, from the option or from its pod's IP. */
async function locate(options: OverlayOptions, deps: Pick<CheckerDeps, "kube">, nodeName: string, kubeconfig: string | undefined, signal: AbortSignal): Promise<Located> {
  if (options.url) return { url: options.url };
  let pods: V1Pod[];
  try {
    const api = await deps.kube.connect(kubeconfig, signal);
    pods = (await api.listPods(options.namespace, options.selector)).items ?? [];
  } catch (error) {
    return { problem: failed(`cannot list the nethealth pods (${options.selector}) in ${options.namespace}: ${describeKubeError(error)}`, { detail: "check the kubeconfig and the API server, or give the check a url" }) };
  }
  const pod = pods.find((p) => p.spec?.nodeName === nodeName && p.status?.phase === "Running" && p.status.podIP);
  const ip = pod?.status?.podIP;
  if (!ip) {
    return { problem: failed(`no running nethealth pod (${options.selector}) in ${options.namespace} on node ${nodeName}`, { detail: "deploy deploy/kubernetes/nethealth.yaml, or check why its pod is not running on this node" }) };
  }
  return { url: `http://${ip.includes(":") ? `[${ip}]` : ip}:${options.port}/peers` };
}

/**
 * The pod network against the host network: reads `satellite nethealth`'s per-peer echo loss
 * over the pod network and fails the peers it cannot reach while gossip (host network) can.
 */
export function overlayKind(deps: Pick<CheckerDeps, "http" | "kube">): CheckerKind<OverlayOptions> {
  return {
    kind: "overlay",
    description: "Pod network: nethealth's UDP echo loss per peer; fails a peer it cannot reach while gossip on the host network can",
    options: overlayOptions,
    create(options, env) {
      const kubeconfig = options.kubeconfig ?? env.settings.kubeconfig;
      return async (ctx): Promise<CheckOutcome[]> => {
        const located = await locate(options, deps, env.settings.nodeName, kubeconfig, ctx.signal);
        if ("problem" in located) return [located.problem];
        let report: NethealthReport;
        try {
          const response = await deps.http({ url: located.url, signal: ctx.signal, headers: { accept: "application/json" } });
          const body = await readBodyCapped(response, NETHEALTH_REPORT_BYTES_MAX + 1);
          if (response.status !== 200) return [failed(`nethealth at ${located.url} answered ${response.status}: ${quoteBody(body.text)}`)];
          if (body.truncated) return [failed(`nethealth report at ${located.url} is larger than ${NETHEALTH_REPORT_BYTES_MAX} bytes`, { detail: "not a nethealth endpoint, or a newer one: check the url" })];
          const parsed = nethealthReportSchema.safeParse(JSON.parse(body.text));
          if (!parsed.success) {
            const issue = parsed.error.issues[0];
            return [failed(`nethealth report at ${located.url} is not valid: ${issue?.path.join(".") || "(top)"}: ${issue?.message}`, { detail: "check that the url is nethealth's /peers" })];
          }
          report = parsed.data;
        } catch (error) {
          if (error instanceof SyntaxError) return [failed(`nethealth report at ${located.url} is not JSON: ${error.message}`, { detail: "check that the url is nethealth's /peers" })];
          return [failed(describeHttpError("GET", located.url, error), { detail: "is satellite nethealth running on this node?" })];
        }
        return overlayVerdict(report, env.peers?.() ?? [], options);
      };
    },
  };
}
