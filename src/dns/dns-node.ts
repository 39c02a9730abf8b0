import type { MemberState } from "../cluster/status-json.ts";
import type { NodeStatus } from "../events/health-state.ts";
import { assertNever } from "../platform/assert-never.ts";
import { isDnsLabel, type DnsSelector } from "./dns-name.ts";

/** A cluster member as the DNS server answers about it (built from the cluster view). */
export interface DnsNode {
  name: string;
  /** The member's gossip IP literal: its A or AAAA record. */
  ip: string;
  gossipPort: number;
  /** The agent's HTTP API port as it gossips it; absent for members that do not run Satellite or do not say. */
  apiPort?: number;
  /** The operator's tags (Satellite's own gossip tags left out). */
  tags: Readonly<Record<string, string>>;
  memberStatus: MemberState;
  /** undefined: not known yet, or a member that runs no Satellite. */
  nodeStatus?: NodeStatus;
}

/**
 * The nodes a selector names: alive members only, and unless `includeUnhealthy`, only those
 * whose status is running (a degraded node, one that has not reported yet, or a plain serf
 * member is left out). Matching ignores case; sorted by name so answers are stable.
 */
export function selectNodes(nodes: readonly DnsNode[], selector: DnsSelector, includeUnhealthy: boolean): DnsNode[] {
  const out = nodes.filter((node) => node.memberStatus === "alive" && (includeUnhealthy || node.nodeStatus === "running") && matches(node, selector));
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function matches(node: DnsNode, selector: DnsSelector): boolean {
  switch (selector.kind) {
    case "all":
      return true;
    case "node":
      return sameLabel(node.name, selector.name);
    case "role":
      return node.tags.role !== undefined && sameLabel(node.tags.role, selector.role);
    case "tag":
      return Object.entries(node.tags).some(([key, value]) => sameLabel(key, selector.key) && sameLabel(value, selector.value));
    default:
      return assertNever(selector, "DNS selector");
  }
}

/** `label` is already a lowercase label; a text that is not a valid label never matches one. */
function sameLabel(text: string, label: string): boolean {
  return text.length === label.length && isDnsLabel(text) && text.toLowerCase() === label;
}

/** 4 or 6: which address record a node's IP makes. */
export function ipFamily(ip: string): 4 | 6 | undefined {
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(ip)) return 4;
  if (ip.includes(":") && /^[0-9a-f:.]+$/i.test(ip)) return 6;
  return undefined;
}
