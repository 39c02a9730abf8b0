import type { EventStream } from "../events/event-stream.ts";
import type { Probe } from "../events/health-state.ts";
import type { PeerSnapshot } from "./peer-measurements.ts";
import { cutText, sanitizeName, sanitizeText } from "./probe-sync-fields.ts";
import { PROBE_SYNC_LIMITS as L, type DetailedProbe, type MetricDetail, type NodeDetailsReply, type PeerDetail } from "./probe-sync-messages.ts";
import { encodeSatelliteMessage } from "./probe-sync-wire.ts";

export interface LocalDetailsDeps {
  name: string;
  events: EventStream;
  /** This node's probes in full (as /local shows them). */
  probes: () => Probe[];
  peers: () => PeerSnapshot[];
}

/** Numeric values kept per check from its latest run. */
const METRICS_PER_CHECK_MAX = 32;

/**
 * What this node tells another node that asks for its details over gossip: its probes in full
 * (checker data included), what it measures toward each peer, and the numbers its checks
 * reported on their latest run. The answer is one bounded piece (pieceBytesMax): when it would
 * be larger, text is cut and lists are shortened until it fits.
 */
export function createLocalDetails(deps: LocalDetailsDeps) {
  const latest = new Map<string, MetricDetail[]>();
  const unsubscribe = deps.events.subscribe("node-details", (event) => {
    if (event.type !== "ProbeRun" || event.node !== deps.name) return;
    const values: MetricDetail[] = [];
    for (const outcome of event.outcomes) {
      for (const [name, value] of Object.entries(outcome.metrics ?? {})) {
        if (values.length >= METRICS_PER_CHECK_MAX || !Number.isFinite(value)) continue;
        values.push({ probe: cutText(sanitizeName(event.probe), L.checkNameBytesMax), name: cutText(sanitizeName(name), L.metricNameBytesMax) || "?", value });
      }
    }
    if (values.length > 0) latest.set(event.probe, values);
    else latest.delete(event.probe);
  });

  return {
    reply(): NodeDetailsReply {
      const probes = deps.probes();
      const peers = deps.peers().map(peerDetail);
      const metrics = [...latest.values()].flat();
      let limits: { textBytes: number; probes: number; peers: number; metrics: number } = { textBytes: 16 * 1024, probes: L.probesMax * 4, peers: L.detailPeersMax, metrics: L.detailMetricsMax };
      for (;;) {
        const reply: NodeDetailsReply = {
          type: "nodeDetailsReply",
          owner: deps.name,
          probes: probes.slice(0, limits.probes).map((p) => detailedProbe(p, limits.textBytes)),
          peers: peers.slice(0, limits.peers),
          metrics: metrics.slice(0, limits.metrics),
        };
        if (encodeSatelliteMessage(reply).length <= L.pieceBytesMax || limits.probes + limits.peers + limits.metrics === 0) return reply;
        limits =
          limits.textBytes > 256
            ? { ...limits, textBytes: limits.textBytes / 2 }
            : { textBytes: limits.textBytes, probes: limits.probes >> 1, peers: limits.peers >> 1, metrics: limits.metrics >> 1 };
      }
    },
    stop: unsubscribe,
  };
}

function detailedProbe(p: Probe, textBytes: number): DetailedProbe {
  const probe: DetailedProbe = { checker: cutText(sanitizeName(p.checker), L.checkNameBytesMax) || "?", status: p.status };
  if (p.status === "failed" && p.severity === "warning") probe.severity = "warning";
  if (p.code) probe.code = cutText(sanitizeText(p.code), L.codeBytesMax);
  if (p.error) probe.error = cutText(sanitizeText(p.error), textBytes);
  if (p.detail) probe.detail = cutText(sanitizeText(p.detail), textBytes);
  if (p.checker_data && p.checker_data.length <= textBytes && /^[A-Za-z0-9+/]*={0,2}$/.test(p.checker_data)) probe.checkerData = p.checker_data;
  return probe;
}

function peerDetail(p: PeerSnapshot): PeerDetail {
  const peer: PeerDetail = { name: cutText(sanitizeName(p.name), L.nodeNameBytesMax) || "?", rttSamples: Math.min(p.rttSamples, 1_000_000) };
  if (p.p50RttMs !== undefined && Number.isFinite(p.p50RttMs)) peer.p50RttMs = p.p50RttMs;
  if (p.p95RttMs !== undefined && Number.isFinite(p.p95RttMs)) peer.p95RttMs = p.p95RttMs;
  if (p.lossPercent !== undefined && Number.isFinite(p.lossPercent)) peer.lossPercent = p.lossPercent;
  if (p.clockOffsetMs !== undefined && Number.isFinite(p.clockOffsetMs)) peer.clockOffsetMs = p.clockOffsetMs;
  return peer;
}
