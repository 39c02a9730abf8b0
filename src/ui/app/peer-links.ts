/**
 * What a node measures about each peer (round trip, loss, clock offset), from whichever of
 * two places the agent fills: a `peers` list on the node (per-peer measurements shipped with
 * the status), or else the per-peer outcomes of the `latency` and `time-drift` probes, whose
 * checker_data names the peer of each slow, lossy or drifting link. Absent data stays absent.
 */
import type { ProbeRow } from "./status-model.ts";

export interface PeerLink {
  peer: string;
  rttMs?: number;
  lossPercent?: number;
  clockOffsetMs?: number;
}

const PEERS_MAX = 5000;

function num(...values: unknown[]): number | undefined {
  for (const v of values) if (typeof v === "number" && Number.isFinite(v)) return v;
  return undefined;
}

export function readPeerLinks(node: Record<string, unknown>, probes: readonly ProbeRow[]): PeerLink[] {
  const links = new Map<string, PeerLink>();
  const merge = (peer: unknown, fields: Omit<PeerLink, "peer">) => {
    if (typeof peer !== "string" || peer === "" || peer.length > 253 || links.size >= PEERS_MAX) return;
    const link = links.get(peer) ?? { peer };
    for (const [key, value] of Object.entries(fields) as [keyof Omit<PeerLink, "peer">, number | undefined][]) if (value !== undefined) link[key] = value;
    links.set(peer, link);
  };
  if (Array.isArray(node.peers)) {
    for (const raw of node.peers.slice(0, PEERS_MAX)) {
      if (typeof raw !== "object" || raw === null) continue;
      const p = raw as Record<string, unknown>;
      merge(p.name ?? p.peer, {
        rttMs: num(p.rtt_p95_ms, p.p95_rtt_ms, p.rttP95Ms, p.p95RttMs, p.rtt_ms, p.rttMs),
        lossPercent: num(p.loss_percent, p.lossPercent),
        clockOffsetMs: num(p.clock_offset_ms, p.clockOffsetMs, p.offsetMs),
      });
    }
  }
  for (const probe of probes) {
    if (typeof probe.data !== "object" || probe.data === null) continue;
    const d = probe.data as Record<string, unknown>;
    if (typeof d.peer !== "string") continue;
    merge(d.peer, { rttMs: num(d.p95RttMs), lossPercent: num(d.lossPercent), clockOffsetMs: num(d.offsetMs, d.clockOffsetMs) });
  }
  return [...links.values()].sort((a, b) => (a.peer < b.peer ? -1 : a.peer > b.peer ? 1 : 0));
}
