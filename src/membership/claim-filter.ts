import type { RateLimitedLog } from "../platform/rate-limited-log.ts";
import { isPlausibleIncarnation } from "./incarnation.ts";
import { isValidNodeName, newClaimCounts, type ClaimRejectReason } from "./member-claims.ts";
import type { DeadMessage, SuspectMessage } from "./messages.ts";

/**
 * Where a claim comes from. `gossip`: a packet, or a push/pull someone else started, limited
 * by incarnationJumpMax. `reply`: the answer to a push/pull we started (a seed or a member we
 * picked), taken as is, so a restarted node or one back from a long partition catches up.
 * `local`: our own announcement.
 */
export type ClaimSource = "gossip" | "reply" | "local";

/**
 * The member table's door for claims from the network: a claim that fails a check is dropped,
 * counted by reason (the counts are the metrics' source) and logged at most once per reason
 * per interval, since the network can repeat it at will.
 */
export class ClaimFilter {
  /** Claims dropped before they reached the table, by reason. */
  readonly rejected = newClaimCounts();

  constructor(
    private readonly notes: RateLimitedLog,
    private readonly incarnationJumpMax: number,
  ) {}

  /**
   * Accusations (suspect, dead) from gossip must name usable nodes and stay within
   * incarnationJumpMax of `knownIncarnation`; anything else is dropped and counted.
   */
  accusationAccepted(knownIncarnation: number, m: SuspectMessage | DeadMessage, source: ClaimSource): boolean {
    if (source !== "gossip") return true;
    if (!isValidNodeName(m.from)) return this.reject("invalid_name", m.node, m.incarnation);
    if (!isPlausibleIncarnation(knownIncarnation, m.incarnation, this.incarnationJumpMax)) return this.reject("implausible_incarnation", m.node, m.incarnation);
    return true;
  }

  /** Counts a dropped claim; always false, for `return this.reject(...)` in checks. */
  reject(reason: ClaimRejectReason, node: string, incarnation: number): false {
    this.rejected[reason]++;
    this.notes.log("debug", `claim-${reason}`, "dropped a member claim", { reason, node, incarnation });
    return false;
  }
}
