import type { V1Deployment, V1Pod } from "@kubernetes/client-node";
import { z } from "zod";
import { sleep } from "../platform/clock.ts";
import type { CheckContext, CheckerKind } from "../probes/checker.ts";
import type { CheckOutcome } from "../probes/check-outcome.ts";
import { type KubeApi, describeKubeError } from "../kube/kube-api.ts";
import type { CheckerDeps } from "./deps.ts";
import { failed, running } from "./_outcome.ts";
import { round2 } from "./_stats.ts";

export const CANARY_LABEL = "satellite.gravitational.io/canary";

export const kubeCanaryOptions = () => z.strictObject({
  namespace: z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, "expected a namespace name").default("default"),
  replicas: z.number().int().min(1).max(20).default(2),
  image: z.string().min(1).default("registry.k8s.io/pause:3.9"),
  /** How often to look at the pods while waiting for them. */
  pollIntervalMs: z.number().int().min(10).max(60_000).default(1000),
  /** Give up waiting after this (the check's own timeout may end it sooner). */
  readyTimeoutMs: z.number().int().min(100).default(60_000),
  /** Schedule the pods onto this node only (tests the local kubelet too). */
  pinToNode: z.boolean().default(false),
  kubeconfig: z.string().min(1).optional(),
});

export type KubeCanaryOptions = z.output<ReturnType<typeof kubeCanaryOptions>>;

/** DNS-1123 name for this node's canary. */
export function canaryName(nodeName: string): string {
  const clean = nodeName.toLowerCase().replace(/[^a-z0-9-]/g, "-").replace(/^-+|-+$/g, "");
  return `satellite-canary-${clean}`.slice(0, 63).replace(/-+$/, "");
}

export function canaryDeployment(name: string, nodeName: string, options: KubeCanaryOptions): V1Deployment {
  const labels = { app: name, [CANARY_LABEL]: canaryName(nodeName).slice("satellite-canary-".length) || "node" };
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name, labels },
    spec: {
      replicas: options.replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels },
        spec: {
          terminationGracePeriodSeconds: 0,
          ...(options.pinToNode ? { nodeName } : {}),
          tolerations: [{ operator: "Exists" }],
          containers: [{ name: "pause", image: options.image, resources: { requests: { cpu: "1m", memory: "4Mi" }, limits: { memory: "16Mi" } } }],
        },
      },
    },
  };
}

function allScheduled(pods: readonly V1Pod[], replicas: number): boolean {
  return pods.length >= replicas && pods.every((p) => p.status?.conditions?.some((c) => c.type === "PodScheduled" && c.status === "True"));
}

function allRunning(pods: readonly V1Pod[], replicas: number): boolean {
  return pods.filter((p) => p.status?.phase === "Running").length >= replicas;
}

/**
 * khealth's routine: remove leftovers of an earlier run, create a Deployment of pause pods, wait
 * until every pod is scheduled and Running, then delete it. Reports scheduling and start latency.
 * Polls within one run, bounded by readyTimeoutMs and the check's signal; never schedules itself.
 */
export function kubeCanaryKind(deps: Pick<CheckerDeps, "kube">): CheckerKind<KubeCanaryOptions> {
  return {
    kind: "kube-canary",
    description: "Creates a small Deployment of pause pods, times scheduling and start, deletes it (khealth canary)",
    options: kubeCanaryOptions,
    create(options, env) {
      const kubeconfig = options.kubeconfig ?? env.settings.kubeconfig;
      const name = canaryName(env.settings.nodeName);
      const selector = `app=${name}`;
      return async (ctx) => {
        let api: KubeApi;
        try {
          api = await deps.kube.connect(kubeconfig, ctx.signal);
        } catch (error) {
          return [failed(`canary: cannot reach the API server: ${describeKubeError(error)}`)];
        }
        let leftovers = 0;
        try {
          for (const d of (await api.listDeployments(options.namespace, selector)).items) {
            await api.deleteDeployment(options.namespace, d.metadata?.name ?? name);
            leftovers++;
          }
        } catch (error) {
          return [failed(`canary: cannot clean up an earlier canary in ${options.namespace}: ${describeKubeError(error)}`)];
        }
        const start = ctx.clock.monotonicMs();
        let outcome: CheckOutcome;
        try {
          await api.createDeployment(options.namespace, canaryDeployment(name, env.settings.nodeName, options));
          outcome = await waitForPods(api, options, selector, ctx, start, leftovers);
        } catch (error) {
          outcome = failed(`canary: ${describeKubeError(error)}`, { detail: `deployment ${options.namespace}/${name}` });
        }
        if (ctx.signal.aborted) {
          // The run is over; delete in the background on a fresh signal so the result is not held up.
          void deleteDetached(deps, kubeconfig, options.namespace, name, ctx);
          return [outcome];
        }
        // Delete even after a failure; if that fails too, the next run's clean-up removes it.
        try {
          await api.deleteDeployment(options.namespace, name);
        } catch (error) {
          if (outcome.status === "running") outcome = failed(`canary: pods ran but deleting the deployment failed: ${describeKubeError(error)}`);
        }
        return [outcome];
      };
    },
  };
}

/** Most time spent deleting a canary after its run was aborted. */
const DETACHED_DELETE_MS = 10_000;

async function deleteDetached(deps: Pick<CheckerDeps, "kube">, kubeconfig: string | undefined, namespace: string, name: string, ctx: CheckContext): Promise<void> {
  const controller = new AbortController();
  const timer = ctx.clock.setTimer(DETACHED_DELETE_MS, () => controller.abort());
  try {
    const api = await deps.kube.connect(kubeconfig, controller.signal);
    await api.deleteDeployment(namespace, name);
  } catch (error) {
    ctx.logger.warn("canary deployment left behind; the next run removes it", { namespace, name, error: describeKubeError(error) });
  } finally {
    timer.cancel();
  }
}

async function waitForPods(api: KubeApi, options: KubeCanaryOptions, selector: string, ctx: CheckContext, start: number, leftovers: number): Promise<CheckOutcome> {
  let scheduledMs: number | undefined;
  let lastPods: V1Pod[] = [];
  for (;;) {
    const pods = (await api.listPods(options.namespace, selector)).items.filter((p) => !p.metadata?.deletionTimestamp);
    lastPods = pods;
    const elapsed = ctx.clock.monotonicMs() - start;
    if (scheduledMs === undefined && allScheduled(pods, options.replicas)) scheduledMs = elapsed;
    if (allRunning(pods, options.replicas)) {
      const data = { schedulingLatencyMs: round2(scheduledMs ?? elapsed), runningLatencyMs: round2(elapsed), replicas: options.replicas, leftoversRemoved: leftovers };
      return running({
        detail: `${options.replicas} canary pod(s) scheduled in ${data.schedulingLatencyMs} ms, running in ${data.runningLatencyMs} ms`,
        data,
        metrics: { schedulingLatencyMs: data.schedulingLatencyMs, runningLatencyMs: data.runningLatencyMs },
      });
    }
    if (elapsed >= options.readyTimeoutMs) break;
    await sleep(ctx.clock, Math.min(options.pollIntervalMs, options.readyTimeoutMs - elapsed), ctx.signal);
  }
  const states = lastPods.map((p) => `${p.metadata?.name ?? "?"}: ${p.status?.phase ?? "unknown"}`).join(", ") || "no pods created";
  return failed(`canary pods not running after ${options.readyTimeoutMs} ms (${states})`, {
    detail: scheduledMs === undefined ? "pods were not scheduled: check the scheduler and node capacity" : "pods were scheduled but did not start: check the kubelet and image pulls",
    data: { schedulingLatencyMs: scheduledMs, replicas: options.replicas },
  });
}
