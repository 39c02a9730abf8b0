import { buildInfo } from "../build-info.ts";
import type { ClusterStatusJson } from "../cluster/status-json.ts";
import type { AgentConfig } from "../config/load.ts";
import { createMetrics, type SatelliteMetrics } from "../metrics/index.ts";
import type { Clock } from "../platform/clock.ts";
import type { Logger } from "../platform/logger.ts";
import { readProcessStats, type ProcessStats } from "../platform/process-stats.ts";
import type { EventStream } from "../events/event-stream.ts";
import { createInfluxSink, type InfluxSink } from "../store/influxdb/influx-sink.ts";
import type { Point } from "../store/influxdb/line-protocol.ts";
import type { Gossip } from "./gossip.ts";
import type { ReadinessCheck } from "../api/api-deps.ts";

/** How often this node's own status is written to InfluxDB (the original's collection period). */
const INFLUX_STATUS_INTERVAL_MS = 10_000;

export interface ObservabilityDeps {
  config: AgentConfig;
  clock: Clock;
  logger: Logger;
  gossip: Gossip;
  events: EventStream;
  clusterStatus: () => ClusterStatusJson;
  localStatus: () => ClusterStatusJson["nodes"] extends (infer N)[] | undefined ? N : never;
  /** This process's CPU, memory and descriptors for the `process_*` families; /proc of this process when absent. */
  processStats?: () => ProcessStats | undefined;
}

/**
 * Prometheus metrics and the optional InfluxDB sink: both read the same facts (probe runs and
 * store errors from the event stream, the cluster view, gossip counters) and neither may slow
 * the probes down.
 */
export function createObservability(deps: ObservabilityDeps) {
  const { config, clock, logger } = deps;
  const metrics: SatelliteMetrics = createMetrics({ version: buildInfo.version, commit: buildInfo.gitCommit, processStats: deps.processStats ?? (() => readProcessStats()) });
  const last = { queriesDropped: {} as Record<string, number>, suspicions: {} as Record<string, number>, pushPulls: {} as Record<string, number>, streamFailures: {} as Record<string, number>, claimsRejected: {} as Record<string, number>, packetsSent: 0, packetsReceived: 0, bytesSent: 0, bytesReceived: 0, drops: {} as Record<string, number>, published: {} as Record<string, number>, subscriberErrors: {} as Record<string, number>, probeListDeltas: {} as Record<string, number>, probeListPulls: {} as Record<string, number>, probeListDropped: {} as Record<string, number>, probeListBytes: {} as Record<string, number> };
  metrics.addCollector(() => {
    metrics.observeStatus(deps.clusterStatus() as Parameters<SatelliteMetrics["observeStatus"]>[0]);
    const stats = deps.gossip.netStats();
    metrics.gossipPacketsSent.inc(undefined, stats.packetsSent - last.packetsSent);
    metrics.gossipPacketsReceived.inc(undefined, stats.packetsReceived - last.packetsReceived);
    metrics.gossipBytesSent.inc(undefined, stats.bytesSent - last.bytesSent);
    metrics.gossipBytesReceived.inc(undefined, stats.bytesReceived - last.bytesReceived);
    Object.assign(last, { packetsSent: stats.packetsSent, packetsReceived: stats.packetsReceived, bytesSent: stats.bytesSent, bytesReceived: stats.bytesReceived });
    for (const [reason, count] of Object.entries(stats.dropsByReason)) {
      const delta = count - (last.drops[reason] ?? 0);
      if (delta > 0) metrics.gossipPacketsDropped.inc({ reason }, delta);
      last.drops[reason] = count;
    }
    countDeltas(stats.streamFailuresByReason ?? {}, last.streamFailures, (reason, delta) => metrics.gossipStreamFailures.inc({ reason }, delta));
    const serf = deps.gossip.member.serf.health();
    countDeltas({ requests_over_rate: serf.requestsUnanswered }, last.drops, (reason, delta) => metrics.gossipPacketsDropped.inc({ reason }, delta));
    countDeltas({ started: serf.suspicionsStarted }, last.suspicions, (_, delta) => metrics.gossipSuspicions.inc(undefined, delta));
    countDeltas({ ...serf.queriesDropped }, last.queriesDropped, (reason, delta) => metrics.serfQueriesDropped.inc({ reason }, delta));
    countDeltas(serf.pushPulls, last.pushPulls, (direction, delta) => metrics.gossipPushPulls.inc({ direction }, delta));
    const sync = deps.gossip.member.probeSync.stats();
    countDeltas({ sent: sync.deltaPacketsSent, received: sync.deltasReceived }, last.probeListDeltas, (direction, delta) => metrics.probeListDeltas.inc({ direction }, delta));
    countDeltas({ ok: sync.pullsSucceeded, failed: sync.pullFailures }, last.probeListPulls, (result, delta) => metrics.probeListPulls.inc({ result }, delta));
    countDeltas(sync.dropped, last.probeListDropped, (reason, delta) => metrics.probeListDropped.inc({ reason }, delta));
    countDeltas({ sent: sync.bytesSent, received: sync.bytesReceived }, last.probeListBytes, (direction, delta) => metrics.probeListBytes.inc({ direction }, delta));
    countDeltas({ ...serf.rejected, ...serf.intentsRejected, invalid_name: serf.rejected.invalid_name + serf.intentsRejected.invalid_name }, last.claimsRejected, (reason, delta) =>
      metrics.gossipClaimsRejected.inc({ reason }, delta),
    );
    if (influx) metrics.influxdbQueueLines.set(undefined, influx.health().queuedLines);
    const stream = deps.events.stats();
    for (const [type, count] of Object.entries(stream.publishedByType)) {
      const delta = count - (last.published[type] ?? 0);
      if (delta > 0) metrics.eventsPublished.inc({ type }, delta);
      last.published[type] = count;
    }
    for (const [subscriber, count] of Object.entries(stream.listenerErrors)) {
      const delta = count - (last.subscriberErrors[subscriber] ?? 0);
      if (delta > 0) metrics.eventSubscriberErrors.inc({ subscriber }, delta);
      last.subscriberErrors[subscriber] = count;
    }
  });

  let influx: InfluxSink | undefined;
  let influxTimer: { cancel(): void } | undefined;
  if (config.influxdbUrl) {
    influx = createInfluxSink({
      url: config.influxdbUrl,
      database: config.influxdbDatabase,
      user: config.influxdbUser,
      password: config.influxdbPassword,
      queueDir: config.stateDir,
      clock,
      logger: logger.child({ part: "influxdb" }),
      onDrop: (lines, reason) => metrics.influxdbPointsDropped.inc({ reason }, lines),
    });
    const writeStatus = (): void => {
      influx?.writeNodeStatus([deps.localStatus() as Parameters<InfluxSink["writeNodeStatus"]>[0][number]], clock.nowMs());
      influxTimer = clock.setTimer(INFLUX_STATUS_INTERVAL_MS, writeStatus);
    };
    influxTimer = clock.setTimer(INFLUX_STATUS_INTERVAL_MS, writeStatus);
  }

  const unsubscribe = deps.events.subscribe("metrics", (event) => {
    if (event.type === "ProbeRun") metrics.recordProbe(event.node, event.probe, event.status, event.durationMs);
    else if (event.type === "StoreWriteFailed") metrics.historyWriteErrors.inc({ store: event.store });
  });

  return {
    metrics,
    /** Writes points to InfluxDB; undefined when no InfluxDB is configured. */
    writePoints: influx ? (points: readonly Point[]) => influx?.writePoints(points) : undefined,
    readiness(): ReadinessCheck[] {
      if (!influx) return [];
      const health = influx.health();
      return [{ name: "influxdb", ok: health.ok, message: health.error }];
    },
    async close(): Promise<void> {
      unsubscribe();
      influxTimer?.cancel();
      await influx?.close();
    },
  };
}

/** Calls `inc` with how much each counter in `now` grew since `seen`, and remembers `now`. */
function countDeltas(now: Readonly<Record<string, number>>, seen: Record<string, number>, inc: (key: string, delta: number) => void): void {
  for (const [key, count] of Object.entries(now)) {
    const delta = count - (seen[key] ?? 0);
    if (delta > 0) inc(key, delta);
    seen[key] = count;
  }
}
