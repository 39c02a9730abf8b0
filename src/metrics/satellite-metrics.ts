import type { ProbeStatus } from "../events/health-state.ts";
import { createRegistry, type Counter, type Gauge, type Histogram } from "./registry.ts";
import type { ProcessStats } from "../platform/process-stats.ts";
import { registerProcessMetrics } from "./process-metrics.ts";

/** The parts of the status JSON that the status gauges follow. */
export interface ClusterStatusLike {
  status: string;
  nodes?: readonly {
    name: string;
    status: string;
    member_status?: { status?: string };
    probes?: readonly { checker: string; status: string }[];
  }[];
}

export const MEMBER_STATUSES = ["alive", "leaving", "left", "failed"] as const;

/** Probe durations from 1 ms to 30 s: checks are local HTTP calls up to slow disk tests. */
export const PROBE_DURATION_BUCKETS_SECONDS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] as const;

export interface SatelliteMetrics {
  /** 1 running, 0 failed (or terminated), per node and checker. */
  probeStatus: Gauge<"node" | "checker">;
  probeDurationSeconds: Histogram<"checker">;
  /** 1 running, 0 degraded or unknown. */
  nodeStatus: Gauge<"node">;
  /** 1 running, 0 degraded. */
  clusterStatus: Gauge;
  members: Gauge<"status">;
  gossipPacketsSent: Counter;
  gossipPacketsReceived: Counter;
  gossipBytesSent: Counter;
  gossipBytesReceived: Counter;
  /** reason: a fixed word such as `decode`, `crc`, `decrypt`, `too_large`, `queue_full`. */
  gossipPacketsDropped: Counter<"reason">;
  gossipSuspicions: Counter;
  /**
   * Incoming gossip streams refused or closed, by reason: the packet drop reasons plus
   * `too_many_streams`, `too_many_from_peer`, `over_budget`, `timeout`, `handler_failed`.
   */
  gossipStreamFailures: Counter<"reason">;
  /**
   * Gossiped claims dropped before they were applied, by reason (`invalid_name`,
   * `invalid_address`, `invalid_port`, `invalid_meta`, `invalid_version`,
   * `implausible_incarnation`, `table_full`, `implausible_ltime`).
   */
  gossipClaimsRejected: Counter<"reason">;
  serfQueriesDropped: Counter<"reason">;
  gossipPushPulls: Counter<"direction">;
  /** Probe-list deltas (docs/gossip.md, Probe details over gossip), direction `sent` (per peer) or `received`. */
  probeListDeltas: Counter<"direction">;
  /** Catch-up requests to an owner, result `ok` or `failed`. */
  probeListPulls: Counter<"result">;
  /** Satellite messages dropped, reason `malformed`, `unknown_owner` or `unexpected`. */
  probeListDropped: Counter<"reason">;
  /** Payload bytes of Satellite's own messages, direction `sent` or `received`. */
  probeListBytes: Counter<"direction">;
  /** store: `sqlite` or `influxdb`. */
  historyWriteErrors: Counter<"store">;
  /** reason: `queue_full` or `rejected`. */
  influxdbPointsDropped: Counter<"reason">;
  influxdbQueueLines: Gauge;
  buildInfo: Gauge<"version" | "commit">;
  /** type: an event type of docs/events.md (a fixed set). */
  eventsPublished: Counter<"type">;
  /** subscriber: a fixed name given in the code (`history`, `metrics`, ...). */
  eventSubscriberErrors: Counter<"subscriber">;
  /** notifier: a configured notifier's name (a bounded set). Counted on the node that sent. */
  notificationsSent: Counter<"notifier">;
  /** Failed delivery attempts (each retried with backoff) and failed Alertmanager re-posts. */
  notificationFailures: Counter<"notifier">;
  /** Notifications given up: undelivered for a day, or pushed out of a full outbox. */
  notificationsDropped: Counter<"notifier">;
  /** Notifications waiting in this node's outbox. */
  notificationsQueued: Gauge<"notifier">;
  /** 1 when this node is the notifier's sender. */
  notifierSending: Gauge<"notifier">;
  /**
   * A number a check on this node measured in its last run (perfdata, host metrics, canary
   * timings), in the check's own unit; at most 32 metric names per check (docs/history.md).
   */
  checkValue: Gauge<"node" | "checker" | "metric">;
  /** reason: `series_limit` (a check named more than 32 distinct metrics), `queue_full` (history writes fell behind). */
  checkValuesDropped: Counter<"reason">;
  /** Round trip from this node to a peer, from gossip probes; percentile `50` or `95` (not `quantile`: this is a gauge, not a summary). */
  peerRttSeconds: Gauge<"node" | "peer" | "percentile">;
  /** Share of lost direct gossip probes to a peer over the last full window, 0..1. */
  peerLossRatio: Gauge<"node" | "peer">;
  /** The peer's clock minus ours, corrected by half the round trip. */
  peerClockOffsetSeconds: Gauge<"node" | "peer">;

  /** DNS answers sent (docs/dns.md), by transport (`udp`, `tcp`) and rcode (`NOERROR`, `NXDOMAIN`, `REFUSED`, `FORMERR`, `NOTIMP`, `BADVERS`). */
  dnsAnswers: Counter<"transport" | "rcode">;
  /** DNS answers cut to fit (TC set, including rate-limited slips), by transport. */
  dnsTruncated: Counter<"transport">;
  /** DNS packets not answered, by reason (`malformed`, `too_large`, `not_query`, `rate_limited`, `tcp_connections_full`, `tcp_backlog`). */
  dnsDropped: Counter<"reason">;
  /** statsd and graphite lines taken in (docs/intake.md), by protocol (`statsd`, `graphite`). */
  statsdLines: Counter<"protocol">;
  /** Lines or values not kept, by reason (`malformed`, `line_too_long`, `names_full`, `type_conflict`, `timestamp`, `set_full`, `connections_full`). */
  statsdDropped: Counter<"reason">;
  /** An application metric as of the last flush, by metric name (at most `statsdMetricsMax` of them) and stat (`count`, `rate`, `mean`, `upper`, `p90`, `p99`, `value`). */
  statsdValue: Gauge<"metric" | "stat">;
  /** Distinct application metric names held now. */
  statsdMetrics: Gauge;

  /** Writes waiting as hints for key-value replicas this node could not reach (docs/kv.md). */
  kvHints: Gauge;
  /** Key-value records brought to a replica that missed them, by how (`read_repair`, `hint`, `anti_entropy`). */
  kvRepairs: Counter<"how">;
  /** Key-value messages or hints given up, by reason (`hints_full`, `malformed`, `notice_refused`). */
  kvDropped: Counter<"reason">;

  /** One probe run: its status gauge and duration histogram. */
  recordProbe(node: string, checker: string, status: ProbeStatus, durationMs: number): void;
  /**
   * Sets cluster, node, member and probe gauges from a status document, forgetting nodes and
   * probes no longer in it.
   */
  observeStatus(status: ClusterStatusLike): void;
  /**
   * Runs `collect` before every render, for gauges read from state on demand (queue length,
   * store health). It must be quick and must not throw.
   */
  addCollector(collect: () => void): void;
  render(): string;
}

export interface MetricsOptions {
  version?: string;
  commit?: string;
  /** This process's numbers (platform/process-stats.ts), exported as the standard `process_*` families; none without it. */
  processStats?: () => ProcessStats | undefined;
}

export function createMetrics(options: MetricsOptions = {}): SatelliteMetrics {
  const r = createRegistry();
  const collectors: (() => void)[] = [];
  if (options.processStats) collectors.push(registerProcessMetrics(r, options.processStats));
  const probeStatus = r.gauge({
    name: "satellite_probe_status",
    help: "Whether the last run of a probe passed (1 running, 0 failed).",
    labelNames: ["node", "checker"],
  });
  const probeDurationSeconds = r.histogram({
    name: "satellite_probe_duration_seconds",
    help: "How long one run of a check took.",
    labelNames: ["checker"],
    buckets: PROBE_DURATION_BUCKETS_SECONDS,
  });
  const nodeStatus = r.gauge({ name: "satellite_node_status", help: "Node health (1 running, 0 degraded or unknown).", labelNames: ["node"] });
  const clusterStatus = r.gauge({ name: "satellite_cluster_status", help: "Cluster health (1 running, 0 degraded)." });
  const members = r.gauge({ name: "satellite_members", help: "Cluster members by membership status.", labelNames: ["status"] });
  const metrics: SatelliteMetrics = {
    probeStatus,
    probeDurationSeconds,
    nodeStatus,
    clusterStatus,
    members,
    gossipPacketsSent: r.counter({ name: "satellite_gossip_packets_sent_total", help: "Gossip UDP packets sent." }),
    gossipPacketsReceived: r.counter({ name: "satellite_gossip_packets_received_total", help: "Gossip UDP packets received." }),
    gossipBytesSent: r.counter({ name: "satellite_gossip_bytes_sent_total", help: "Gossip bytes sent (UDP and TCP)." }),
    gossipBytesReceived: r.counter({ name: "satellite_gossip_bytes_received_total", help: "Gossip bytes received (UDP and TCP)." }),
    gossipPacketsDropped: r.counter({
      name: "satellite_gossip_packets_dropped_total",
      help: "Gossip packets dropped, by reason.",
      labelNames: ["reason"],
    }),
    gossipSuspicions: r.counter({ name: "satellite_gossip_suspicions_total", help: "Members this node started suspecting." }),
    gossipStreamFailures: r.counter({
      name: "satellite_gossip_stream_failures_total",
      help: "Incoming gossip streams refused or closed early, by reason (too large, over the memory budget, too many, timeout, malformed, ...).",
      labelNames: ["reason"],
    }),
    gossipClaimsRejected: r.counter({
      name: "satellite_gossip_claims_rejected_total",
      help: "Gossiped member claims, intents and events dropped before use, by reason (invalid field, implausible incarnation or Lamport time, table full).",
      labelNames: ["reason"],
    }),
    serfQueriesDropped: r.counter({
      name: "satellite_serf_queries_dropped_total",
      help: "serf queries, answers and relays received and not acted on, by reason (unknown_source, oversized, implausible_ltime, handlers_busy, unexpected_response, relay_refused).",
      labelNames: ["reason"],
    }),
    gossipPushPulls: r.counter({
      name: "satellite_gossip_push_pulls_total",
      help: "Full state exchanges, by direction (outbound, inbound).",
      labelNames: ["direction"],
    }),
    probeListDeltas: r.counter({ name: "satellite_probe_list_deltas_total", help: "Probe-list deltas, by direction (sent: one per peer, received).", labelNames: ["direction"] }),
    probeListPulls: r.counter({ name: "satellite_probe_list_pulls_total", help: "Catch-up requests for another node's probe list, by result (ok, failed).", labelNames: ["result"] }),
    probeListDropped: r.counter({ name: "satellite_probe_list_messages_dropped_total", help: "Satellite messages dropped before use, by reason (malformed, unknown_owner, unexpected).", labelNames: ["reason"] }),
    probeListBytes: r.counter({ name: "satellite_probe_list_bytes_total", help: "Payload bytes of Satellite's own gossip messages (probe lists, details), by direction.", labelNames: ["direction"] }),
    historyWriteErrors: r.counter({
      name: "satellite_history_write_errors_total",
      help: "Failed history writes, by store (details in the log and /readyz).",
      labelNames: ["store"],
    }),
    eventsPublished: r.counter({
      name: "satellite_events_total",
      help: "Events published on the agent's event stream, by type (docs/events.md).",
      labelNames: ["type"],
    }),
    eventSubscriberErrors: r.counter({
      name: "satellite_event_subscriber_errors_total",
      help: "Exceptions thrown by event stream subscribers, by subscriber (details in the log).",
      labelNames: ["subscriber"],
    }),
    checkValue: r.gauge({
      name: "satellite_check_value",
      help: "A number a check measured in its last run (nagios perfdata, host metrics, canary timings), in the unit its metric name says.",
      labelNames: ["node", "checker", "metric"],
    }),
    checkValuesDropped: r.counter({
      name: "satellite_check_values_dropped_total",
      help: "Check and peer measurements not kept as series, by reason (series_limit: more than 32 metric names in one check; queue_full: history writes fell behind).",
      labelNames: ["reason"],
    }),
    peerRttSeconds: r.gauge({
      name: "satellite_peer_rtt_seconds",
      help: "Round trip to a peer measured by gossip probes over the last 20 of them, by percentile (50, 95).",
      labelNames: ["node", "peer", "percentile"],
    }),
    peerLossRatio: r.gauge({
      name: "satellite_peer_loss_ratio",
      help: "Lost direct gossip probes to a peer over the last full window of 20, 0 to 1.",
      labelNames: ["node", "peer"],
    }),
    peerClockOffsetSeconds: r.gauge({
      name: "satellite_peer_clock_offset_seconds",
      help: "A peer's wall clock minus this node's, corrected by half the round trip (from the clock in its acks).",
      labelNames: ["node", "peer"],
    }),
    notificationsSent: r.counter({ name: "satellite_notifications_sent_total", help: "Notifications delivered by this node, by notifier.", labelNames: ["notifier"] }),
    notificationFailures: r.counter({
      name: "satellite_notification_failures_total",
      help: "Failed notification deliveries (retried with backoff), by notifier (details in /readyz?verbose and the log).",
      labelNames: ["notifier"],
    }),
    notificationsDropped: r.counter({ name: "satellite_notifications_dropped_total", help: "Notifications given up (a day undelivered, or the outbox full), by notifier.", labelNames: ["notifier"] }),
    notificationsQueued: r.gauge({ name: "satellite_notifications_queued", help: "Notifications waiting in this node's outbox, by notifier.", labelNames: ["notifier"] }),
    notifierSending: r.gauge({ name: "satellite_notifier_sender", help: "1 when this node sends for the notifier (one node per cluster, or per side of a partition).", labelNames: ["notifier"] }),
    influxdbPointsDropped: r.counter({
      name: "satellite_influxdb_points_dropped_total",
      help: "InfluxDB lines given up on, by reason (queue_full, rejected).",
      labelNames: ["reason"],
    }),
    influxdbQueueLines: r.gauge({ name: "satellite_influxdb_queue_lines", help: "Lines waiting for InfluxDB, in memory and on disk." }),
    kvHints: r.gauge({ name: "satellite_kv_hints", help: "Key-value writes waiting as hints for replicas this node could not reach." }),
    kvRepairs: r.counter({ name: "satellite_kv_repairs_total", help: "Key-value records brought to a replica that missed them, by how (read_repair, hint, anti_entropy).", labelNames: ["how"] }),
    kvDropped: r.counter({ name: "satellite_kv_dropped_total", help: "Key-value messages or hints given up, by reason (hints_full, malformed, notice_refused).", labelNames: ["reason"] }),
    dnsAnswers: r.counter({ name: "satellite_dns_answers_total", help: "DNS answers sent, by transport and rcode.", labelNames: ["transport", "rcode"] }),
    dnsTruncated: r.counter({ name: "satellite_dns_truncated_total", help: "DNS answers cut to fit the client's size (TC set), by transport.", labelNames: ["transport"] }),
    dnsDropped: r.counter({ name: "satellite_dns_dropped_total", help: "DNS packets not answered, by reason (malformed, too_large, not_query, rate_limited, tcp_connections_full, tcp_backlog).", labelNames: ["reason"] }),
    statsdLines: r.counter({ name: "satellite_statsd_lines_total", help: "Application metric lines taken in, by protocol (statsd, graphite).", labelNames: ["protocol"] }),
    statsdDropped: r.counter({
      name: "satellite_statsd_dropped_total",
      help: "Application metric lines or values not kept, by reason (malformed, line_too_long, names_full, type_conflict, timestamp, set_full, connections_full).",
      labelNames: ["reason"],
    }),
    statsdValue: r.gauge({ name: "satellite_statsd_value", help: "An application metric (statsd, graphite) as of the last flush, by metric and stat (count and rate per flush interval; mean, upper, p90, p99 of timers; value of gauges).", labelNames: ["metric", "stat"] }),
    statsdMetrics: r.gauge({ name: "satellite_statsd_metrics", help: "Distinct application metric names held." }),
    buildInfo: r.gauge({ name: "satellite_build_info", help: "Always 1; labels carry the build.", labelNames: ["version", "commit"] }),
    recordProbe(node, checker, status, durationMs) {
      probeStatus.set({ node, checker }, status === "running" ? 1 : 0);
      probeDurationSeconds.observe({ checker }, durationMs / 1000);
    },
    observeStatus(status) {
      clusterStatus.set(undefined, status.status === "running" ? 1 : 0);
      nodeStatus.clear();
      probeStatus.clear();
      const counts = new Map<string, number>(MEMBER_STATUSES.map((s) => [s, 0]));
      for (const node of status.nodes ?? []) {
        nodeStatus.set({ node: node.name }, node.status === "running" ? 1 : 0);
        for (const p of node.probes ?? []) probeStatus.set({ node: node.name, checker: p.checker }, p.status === "running" ? 1 : 0);
        const member = node.member_status?.status;
        if (member) counts.set(member, (counts.get(member) ?? 0) + 1);
      }
      members.clear();
      for (const [s, n] of counts) members.set({ status: s }, n);
    },
    addCollector: (collect) => void collectors.push(collect),
    render() {
      for (const collect of collectors) collect();
      return r.render();
    },
  };
  metrics.buildInfo.set({ version: options.version ?? "unknown", commit: options.commit ?? "unknown" }, 1);
  for (const s of MEMBER_STATUSES) members.set({ status: s }, 0);
  return metrics;
}
