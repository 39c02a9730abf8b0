import { decodeDigestTags } from "../cluster/health-digest.ts";
import type { ElectionMember } from "./cluster-snapshot.ts";
import { decodeNotifierTag } from "./notifier-tag.ts";

export interface Election {
  /** The member that sends for this notifier, as this node sees the cluster; undefined when none may. */
  sender?: string;
  /** Every member that may send, in the order they take over. */
  candidates: string[];
  /** Candidates whose advertised settings differ from `settings`. */
  mismatched: { node: string; settings: string }[];
}

/**
 * Who sends for one notifier: the first, by name in byte order, of the alive members that
 * advertise the notifier and have reported their own status (a node still `unknown` is
 * starting and never sends). Every node computes it from its own gossip view, so no leader
 * service is needed: when the sender dies or is cut off, the next one in the order sees itself
 * first and takes over; on each side of a partition, the first member of that side sends.
 */
export function electSender(members: readonly ElectionMember[], name: string, settings: string): Election {
  const candidates: string[] = [];
  const mismatched: Election["mismatched"] = [];
  for (const member of members) {
    if (member.status !== "alive") continue;
    const digest = decodeDigestTags(member.tags);
    if (!digest || digest.status === "unknown") continue;
    const advertised = decodeNotifierTag(member.tags).find((n) => n.name === name);
    if (!advertised) continue;
    candidates.push(member.name);
    if (advertised.settings !== settings) mismatched.push({ node: member.name, settings: advertised.settings });
  }
  candidates.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return { sender: candidates[0], candidates, mismatched };
}
