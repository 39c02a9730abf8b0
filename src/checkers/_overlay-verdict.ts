import type { NethealthReport } from "../nethealth/peer-report.ts";
import type { CheckOutcome } from "../probes/check-outcome.ts";
import type { PeerLinkView } from "../probes/checker.ts";
import { failed, running } from "./_outcome.ts";

export interface OverlayThresholds {
  /** Lost echoes over the pod network, percent of the window, above which a peer link is broken. */
  lossFailPercent: number;
  /** Gossip's lost probes to the same peer at or below this: the host network works. */
  hostLossOkPercent: number;
  /** Echoes a peer needs in the window before it is judged. */
  samplesMin: number;
  /** p95 round trip over the pod network above this: warning. */
  p95WarningMs: number;
}

/** Outcomes reported at most (a broken node in a big cluster shows every peer). */
const OUTCOMES_MAX = 100;

/**
 * Pod network against host network, per peer. A peer the echoes over the pod network do not
 * reach while gossip over the host network does is a failed outcome (detail = the peer): the
 * overlay is broken there, not the node or the wire. A peer neither network reaches is not
 * the overlay's fault (membership and the `latency` check report it) and only shows in the
 * detail. A slow pod network to a peer is a warning.
 */
export function overlayVerdict(report: NethealthReport, hostPeers: readonly PeerLinkView[], t: OverlayThresholds): CheckOutcome[] {
  const host = new Map(hostPeers.map((p) => [p.name, p]));
  const outcomes: CheckOutcome[] = [];
  const bothDown: string[] = [];
  let measured = 0;
  let worstLossPercent = 0;
  let worstP95Ms = 0;
  for (const pod of report.peers) {
    if (pod.probesInWindow < t.samplesMin) continue;
    measured++;
    const loss = pod.lossPercent ?? 0;
    worstLossPercent = Math.max(worstLossPercent, loss);
    worstP95Ms = Math.max(worstP95Ms, pod.rttP95Ms ?? 0);
    const data = { peer: pod.name, addr: pod.addr, lossPercent: loss, probesInWindow: pod.probesInWindow, rttP95Ms: pod.rttP95Ms };
    if (loss > t.lossFailPercent) {
      const gossip = host.get(pod.name);
      const hostLoss = gossip?.lossPercent ?? 0;
      if (gossip === undefined || gossip.rttSamples === 0 || hostLoss > t.hostLossOkPercent) {
        bothDown.push(pod.name);
        continue;
      }
      outcomes.push(
        failed(`pod network to ${pod.name} (${pod.addr}) lost ${loss.toFixed(0)} % of the last ${pod.probesInWindow} echoes, above ${t.lossFailPercent} %, while gossip over the host network reaches it (${hostLoss.toFixed(0)} % lost)`, {
          detail: pod.name,
          data: { ...data, hostLossPercent: hostLoss, hostP50RttMs: gossip.p50RttMs },
        }),
      );
    } else if (pod.rttP95Ms !== undefined && pod.rttP95Ms > t.p95WarningMs) {
      outcomes.push(failed(`p95 round trip over the pod network to ${pod.name} is ${pod.rttP95Ms.toFixed(1)} ms, above ${t.p95WarningMs} ms`, { severity: "warning", detail: pod.name, data }));
    }
  }
  if (outcomes.length > 0) return outcomes.slice(0, OUTCOMES_MAX);
  const unjudged = report.peers.length - measured - bothDown.length;
  const parts = [`${measured - bothDown.length} of ${report.peers.length} peer(s) reached over the pod network, worst loss ${worstLossPercent.toFixed(0)} %, worst p95 ${worstP95Ms.toFixed(1)} ms`];
  if (unjudged > 0) parts.push(`${unjudged} with fewer than ${t.samplesMin} echoes yet`);
  if (bothDown.length > 0) parts.push(`unreachable over the host network too (not an overlay fault): ${bothDown.slice(0, 10).join(", ")}${bothDown.length > 10 ? ", ..." : ""}`);
  return [running({ detail: parts.join("; "), data: { peers: report.peers.length, measured, bothDown: bothDown.length }, metrics: { worstLossPercent, worstP95Ms } })];
}
