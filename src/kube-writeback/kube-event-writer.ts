import { subscribeAsync, type AsyncSubscriberStats } from "../events/async-subscriber.ts";
import type { EventStream } from "../events/event-stream.ts";
import { describeKubeError, type KubeConnector } from "../kube/kube-api.ts";
import type { Clock } from "../platform/clock.ts";
import type { Logger } from "../platform/logger.ts";
import { NODE_EVENTS_NAMESPACE, probeKubeEvent } from "./probe-kube-event.ts";
import { fullBucket, takeToken, type TokenBucketLimits } from "./token-bucket.ts";

export interface KubeEventWriterOptions {
  nodeName: string;
  events: EventStream;
  kube: KubeConnector;
  /** Undefined: KUBECONFIG, else in-cluster (src/kube/kubeconfig-files.ts). */
  kubeconfig: string | undefined;
  clock: Clock;
  logger: Logger;
  /** Events posted back to back at most, then one per `refillMs` (client-go's event spam filter: 25, then one per 5 minutes). */
  limits?: TokenBucketLimits;
  /** Changes waiting to be posted at most; older ones are dropped and counted. */
  queueLengthMax?: number;
  requestTimeoutMs?: number;
}

export interface KubeEventWriterStats extends AsyncSubscriberStats {
  posted: number;
  /** Changes not posted because the rate limit was reached. */
  rateLimited: number;
}

export interface KubeEventWriter {
  stats(): KubeEventWriterStats;
  idle(): Promise<void>;
  stop(): Promise<void>;
}

export const KUBE_EVENT_LIMITS: TokenBucketLimits = { burst: 25, refillMs: 5 * 60_000 };
const QUEUE_LENGTH_MAX = 64;
const REQUEST_TIMEOUT_MS = 10_000;

/**
 * Posts a Kubernetes Event on this node's Node object for each of its probe state changes
 * (ProbeFailed, ProbeSucceeded), through a bounded async subscriber so a slow or absent API
 * server never stalls the agent. Rate-limited with a token bucket, as client-go's recorder
 * limits one source and object; a change beyond the limit is counted and logged, not posted.
 * Events are best effort, as in Kubernetes: a failed post is logged and not retried.
 */
export function startKubeEventWriter(options: KubeEventWriterOptions): KubeEventWriter {
  const { clock, logger, nodeName } = options;
  const limits = options.limits ?? KUBE_EVENT_LIMITS;
  const requestTimeoutMs = options.requestTimeoutMs ?? REQUEST_TIMEOUT_MS;
  let bucket = fullBucket(limits, clock.monotonicMs());
  let posted = 0;
  let rateLimited = 0;

  const subscription = subscribeAsync(options.events, {
    name: "kube-events",
    queueLengthMax: options.queueLengthMax ?? QUEUE_LENGTH_MAX,
    logger,
    accept: (event) => (event.type === "ProbeFailed" || event.type === "ProbeSucceeded") && event.node === nodeName,
    async handle(event) {
      if (event.type !== "ProbeFailed" && event.type !== "ProbeSucceeded") return;
      const take = takeToken(bucket, limits, clock.monotonicMs());
      bucket = take.bucket;
      if (!take.taken) {
        rateLimited++;
        // Powers of two: the first ones show, a long flapping spell does not flood the log.
        if ((rateLimited & (rateLimited - 1)) === 0) logger.warn("Kubernetes event not posted: rate limit reached", { probe: event.probe, change: event.type, rateLimited, burst: limits.burst, refillMs: limits.refillMs });
        return;
      }
      const controller = new AbortController();
      const timer = clock.setTimer(requestTimeoutMs, () => controller.abort(new Error(`no answer from the API server within ${requestTimeoutMs}ms`)));
      try {
        const api = await options.kube.connect(options.kubeconfig, controller.signal);
        await api.createEvent(NODE_EVENTS_NAMESPACE, probeKubeEvent(event, nodeName));
        posted++;
      } catch (error) {
        throw new Error(`cannot post the ${event.type} event of probe ${event.probe} on node ${nodeName}: ${describeKubeError(error)} (the agent needs RBAC create on events)`, { cause: error });
      } finally {
        timer.cancel();
      }
    },
  });

  return {
    stats: () => ({ ...subscription.stats(), posted, rateLimited }),
    idle: () => subscription.idle(),
    stop: () => subscription.stop(),
  };
}
