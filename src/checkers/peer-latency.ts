import { z } from "zod";
import type { CheckerKind } from "../probes/checker.ts";
import { failed, running } from "./_outcome.ts";

export const peerLatencyOptions = () => z.strictObject({
  /** p95 round trip to a peer above this is a warning (the original: 15 ms). */
  p95WarningMs: z.number().positive().default(15),
  /** Lost direct probes to a peer, percent over a full window, above which it is a warning. */
  lossWarningPercent: z.number().min(0).max(100).default(20),
  /** A peer needs this many RTT samples before its p95 is judged. */
  samplesMin: z.number().int().min(1).default(5),
});
export type PeerLatencyOptions = z.output<ReturnType<typeof peerLatencyOptions>>;

/**
 * Latency and packet loss to every peer, measured from the gossip layer's own probes (no
 * ICMP, no extra pods). One warning outcome per slow or lossy peer, detail = the peer.
 */
export function peerLatencyKind(): CheckerKind<PeerLatencyOptions> {
  return {
    kind: "latency",
    description: "Round-trip time (p95) and packet loss to every peer, from gossip probes",
    options: peerLatencyOptions,
    create(options, env) {
      return async () => {
        const peers = env.peers?.() ?? [];
        const outcomes = [];
        let worstP95 = 0;
        for (const peer of peers) {
          if (peer.p95RttMs !== undefined && peer.rttSamples >= options.samplesMin) {
            worstP95 = Math.max(worstP95, peer.p95RttMs);
            if (peer.p95RttMs > options.p95WarningMs) {
              outcomes.push(failed(`p95 round trip to ${peer.name} is ${peer.p95RttMs.toFixed(1)} ms, above ${options.p95WarningMs} ms`, { severity: "warning", detail: peer.name, data: { peer: peer.name, p95RttMs: peer.p95RttMs } }));
            }
          }
          if (peer.lossPercent !== undefined && peer.lossPercent > options.lossWarningPercent) {
            outcomes.push(failed(`${peer.lossPercent.toFixed(0)} % of probes to ${peer.name} got no answer over the last ${peer.probesInWindow}, above ${options.lossWarningPercent} %`, { severity: "warning", detail: peer.name, data: { peer: peer.name, lossPercent: peer.lossPercent } }));
          }
        }
        if (outcomes.length > 0) return outcomes;
        return [running({ detail: `${peers.length} peer(s), worst p95 round trip ${worstP95.toFixed(1)} ms`, data: { peers: peers.length, worstP95Ms: worstP95 }, metrics: { worstP95Ms: worstP95 } })];
      };
    },
  };
}
