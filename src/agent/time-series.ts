import type { ProbeRunEvent } from "../events/agent-event.ts";
import type { EventStream } from "../events/event-stream.ts";
import type { SatelliteMetrics } from "../metrics/index.ts";
import type { Clock, Timer } from "../platform/clock.ts";
import { describeError } from "../platform/errors.ts";
import type { Logger } from "../platform/logger.ts";
import type { PeerLinkView } from "../probes/checker.ts";
import type { HistoryStore } from "../store/history-store.ts";
import type { Point } from "../store/influxdb/line-protocol.ts";
import { checkMetricPoint, peerPoint, type PeerNumbers } from "../store/influxdb/points.ts";
import type { MetricSample } from "../store/metric-series.ts";
import { SeriesAdmission } from "./series-admission.ts";

/** Samples waiting for history are written at most this long after the first of them, in one transaction. */
export const HISTORY_FLUSH_MS = 5000;
/** Per-peer numbers go to InfluxDB this often; /metrics reads them live at every scrape. */
export const PEER_SAMPLE_MS = 60_000;
/** Every this-many peer samples also go to history: one per 5 minutes (docs/history.md has the sizes). */
export const PEER_HISTORY_EVERY = 5;
/** Peers with series at most (the first ones by name); 200 nodes fit. */
export const PEERS_MAX = 256;
/** Samples waiting for history at most; beyond, the oldest are dropped and counted. */
export const PENDING_SAMPLES_MAX = 10_000;

/** The history metric names of per-peer numbers. */
export const PEER_METRICS = { rttP50Ms: "peer.rttP50Ms", rttP95Ms: "peer.rttP95Ms", lossPercent: "peer.lossPercent", clockOffsetMs: "peer.clockOffsetMs" } as const;

export interface TimeSeriesDeps {
  nodeName: string;
  events: EventStream;
  clock: Clock;
  logger: Logger;
  history: Pick<HistoryStore, "appendMetrics">;
  metrics: SatelliteMetrics;
  /** InfluxDB, when configured; must not block (the sink buffers). */
  writePoints?: (points: readonly Point[]) => void;
  /** Current gossip measurements of every peer. */
  peers: () => readonly PeerLinkView[];
}

export interface TimeSeries {
  /** Writes what waits for history now. */
  flush(): Promise<void>;
  /** Stops the timers and the subscription, then flushes; safe to call twice. */
  stop(): Promise<void>;
}

/**
 * Numbers become time series: what this node's checks measured (ProbeRun outcomes' metrics,
 * already bounded at publish) and what gossip measured about each peer go to /metrics,
 * history (`/history/series?metric=`) and InfluxDB. Only this node's own runs: every node
 * exports its own numbers, so a node's series do not grow with the cluster except per peer.
 */
export function startTimeSeries(deps: TimeSeriesDeps): TimeSeries {
  const { nodeName, clock, logger, metrics } = deps;
  const admission = new SeriesAdmission((check) => {
    logger.warn("check names more metrics than are kept as series; the rest are dropped", { check, keptMax: admission.perCheckMax });
  });
  let pending: MetricSample[] = [];
  let stopped = false;
  let peerRound = 0;

  // Armed by the first sample that waits, so an agent with nothing to write sets no timer.
  let flushTimer: Timer | undefined;
  const keep = (samples: readonly MetricSample[]): void => {
    if (samples.length === 0) return;
    pending.push(...samples);
    if (!stopped) flushTimer ??= clock.setTimer(HISTORY_FLUSH_MS, () => {
      flushTimer = undefined;
      void flush();
    });
    const over = pending.length - PENDING_SAMPLES_MAX;
    if (over > 0) {
      pending.splice(0, over);
      metrics.checkValuesDropped.inc({ reason: "queue_full" }, over);
    }
  };

  const onRun = (run: ProbeRunEvent): void => {
    const samples: MetricSample[] = [];
    const points: Point[] = [];
    const seen = new Set<string>();
    for (const outcome of run.outcomes) {
      for (const [key, value] of Object.entries(outcome.metrics ?? {})) {
        if (seen.has(key)) continue;
        seen.add(key);
        if (!admission.admit(run.probe, key)) {
          metrics.checkValuesDropped.inc({ reason: "series_limit" });
          continue;
        }
        metrics.checkValue.set({ node: nodeName, checker: run.probe, metric: key }, value);
        samples.push({ ts: run.startedAtMs, node: nodeName, metric: `${run.probe}.${key}`, value });
        points.push(checkMetricPoint(nodeName, run.probe, key, value, run.startedAtMs));
      }
    }
    if (samples.length === 0) return;
    keep(samples);
    deps.writePoints?.(points);
  };

  const unsubscribe = deps.events.subscribe("time-series", (event) => {
    if (event.type === "ProbeRun" && event.node === nodeName) onRun(event);
  });

  // /metrics: read live at every scrape, so a peer that left disappears with it.
  metrics.addCollector(() => {
    if (stopped) return;
    for (const gauge of [metrics.peerRttSeconds, metrics.peerLossRatio, metrics.peerClockOffsetSeconds]) gauge.clear();
    for (const p of peerNumbers(deps.peers())) {
      const labels = { node: nodeName, peer: p.peer };
      if (p.rttP50Ms !== undefined) metrics.peerRttSeconds.set({ ...labels, percentile: "50" }, p.rttP50Ms / 1000);
      if (p.rttP95Ms !== undefined) metrics.peerRttSeconds.set({ ...labels, percentile: "95" }, p.rttP95Ms / 1000);
      if (p.lossPercent !== undefined) metrics.peerLossRatio.set(labels, p.lossPercent / 100);
      if (p.clockOffsetMs !== undefined) metrics.peerClockOffsetSeconds.set(labels, p.clockOffsetMs / 1000);
    }
  });

  const samplePeers = (): void => {
    const ts = clock.nowMs();
    const numbers = peerNumbers(deps.peers());
    deps.writePoints?.(numbers.map((p) => peerPoint(nodeName, p, ts)));
    peerRound++;
    if (peerRound % PEER_HISTORY_EVERY === 0) keep(numbers.flatMap((p) => peerSamples(nodeName, p, ts)));
  };

  const flush = async (): Promise<void> => {
    if (pending.length === 0) return;
    const batch = pending;
    pending = [];
    // Store writes never throw by contract; a rejection here would be a store bug.
    await deps.history.appendMetrics(batch).catch((error: unknown) => logger.error("metric history write failed", { error: describeError(error) }));
  };

  let peerTimer: Timer = clock.setTimer(PEER_SAMPLE_MS, function onPeers() {
    peerTimer = clock.setTimer(PEER_SAMPLE_MS, onPeers);
    samplePeers();
  });

  return {
    flush,
    async stop() {
      if (stopped) return;
      stopped = true;
      unsubscribe();
      flushTimer?.cancel();
      peerTimer.cancel();
      await flush();
    },
  };
}

/** The known numbers of at most PEERS_MAX peers (the first by name), finite values only. */
export function peerNumbers(peers: readonly PeerLinkView[]): PeerNumbers[] {
  const finite = (v: number | undefined): number | undefined => (typeof v === "number" && Number.isFinite(v) ? v : undefined);
  return [...peers]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .slice(0, PEERS_MAX)
    .map((p) => ({ peer: p.name, rttP50Ms: finite(p.p50RttMs), rttP95Ms: finite(p.p95RttMs), lossPercent: finite(p.lossPercent), clockOffsetMs: finite(p.clockOffsetMs) }));
}

function peerSamples(node: string, p: PeerNumbers, ts: number): MetricSample[] {
  const out: MetricSample[] = [];
  for (const key of Object.keys(PEER_METRICS) as (keyof typeof PEER_METRICS)[]) {
    const value = p[key];
    if (value !== undefined) out.push({ ts, node, metric: PEER_METRICS[key], peer: p.peer, value });
  }
  return out;
}
