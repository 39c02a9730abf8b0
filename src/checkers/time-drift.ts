import { z } from "zod";
import type { CheckerKind } from "../probes/checker.ts";
import { failed, running } from "./_outcome.ts";

export const timeDriftOptions = () => z.strictObject({
  /** Clock offset to a peer above this fails the check (the original: 300 ms). */
  maxDriftMs: z.number().positive().default(300),
});
export type TimeDriftOptions = z.output<ReturnType<typeof timeDriftOptions>>;

/**
 * Clock drift between this node and every peer: each peer's clock rides in its gossip acks,
 * corrected by half the round trip. One failed outcome per drifting peer, detail = the peer.
 * Peers that do not send their clock (plain serf agents) are skipped.
 */
export function timeDriftKind(): CheckerKind<TimeDriftOptions> {
  return {
    kind: "time-drift",
    description: "Clock offset to every peer, from the time in their gossip acks, corrected by RTT/2",
    options: timeDriftOptions,
    create(options, env) {
      return async () => {
        const measured = (env.peers?.() ?? []).filter((p) => p.clockOffsetMs !== undefined);
        const drifting = measured.filter((p) => Math.abs(p.clockOffsetMs as number) > options.maxDriftMs);
        if (drifting.length > 0) {
          return drifting.map((p) => {
            const offset = p.clockOffsetMs as number;
            return failed(`clock of ${p.name} is ${Math.abs(offset).toFixed(0)} ms ${offset > 0 ? "ahead of" : "behind"} this node, above ${options.maxDriftMs} ms`, {
              detail: p.name,
              data: { peer: p.name, offsetMs: offset },
            });
          });
        }
        const worst = measured.reduce((max, p) => Math.max(max, Math.abs(p.clockOffsetMs as number)), 0);
        return [running({ detail: `${measured.length} peer(s) measured, largest offset ${worst.toFixed(0)} ms`, data: { peers: measured.length, largestOffsetMs: worst }, metrics: { largestOffsetMs: worst } })];
      };
    },
  };
}
