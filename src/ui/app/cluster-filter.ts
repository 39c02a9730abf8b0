/** The cluster view's filters, as pure functions over the nodes (tested without a browser). */
import type { NodeRow } from "./status-model.ts";

export interface ClusterFilter {
  /** running, degraded, unknown, or a member state (failed, left, leaving, alive). */
  status?: string;
  role?: string;
  /** `key=value`, `key:value` or a bare `key` (has the tag). */
  tag?: string;
  /** Part of the node name, any case. */
  search?: string;
}

export const HEALTH_FILTERS = ["running", "degraded", "unknown"] as const;
export const MEMBER_FILTERS = ["failed", "leaving", "left"] as const;

export function parseTagFilter(text: string): { key: string; value?: string } | undefined {
  const trimmed = text.trim();
  if (trimmed === "") return undefined;
  const at = trimmed.search(/[=:]/);
  if (at < 0) return { key: trimmed };
  return { key: trimmed.slice(0, at).trim(), value: trimmed.slice(at + 1).trim() };
}

export function matchesFilter(node: NodeRow, filter: ClusterFilter): boolean {
  if (filter.status) {
    const isHealth = (HEALTH_FILTERS as readonly string[]).includes(filter.status);
    if (isHealth ? node.status !== filter.status : node.member !== filter.status) return false;
  }
  if (filter.role && node.role !== filter.role) return false;
  const tag = parseTagFilter(filter.tag ?? "");
  if (tag) {
    if (!Object.hasOwn(node.tags, tag.key)) return false;
    if (tag.value !== undefined && tag.value !== "" && node.tags[tag.key] !== tag.value) return false;
  }
  if (filter.search && !node.name.toLowerCase().includes(filter.search.trim().toLowerCase())) return false;
  return true;
}

/** Worst first: failed members, then degraded, unknown, running; by name within each. */
export function severityRank(node: NodeRow): number {
  if (node.member === "failed") return 0;
  if (node.status === "degraded") return 1;
  if (node.status === "unknown" && node.member !== "left") return 2;
  if (node.member === "left") return 4;
  return 3;
}

export function filterAndSort(nodes: readonly NodeRow[], filter: ClusterFilter): NodeRow[] {
  return nodes
    .filter((n) => matchesFilter(n, filter))
    .sort((a, b) => severityRank(a) - severityRank(b) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Every role present, sorted, for the role filter's choices. */
export function rolesOf(nodes: readonly NodeRow[]): string[] {
  return [...new Set(nodes.map((n) => n.role).filter((r): r is string => r !== undefined))].sort();
}

export interface ClusterCounts {
  nodes: number;
  running: number;
  degraded: number;
  unknown: number;
  failedMembers: number;
  failingProbes: number;
}

export function countNodes(nodes: readonly NodeRow[]): ClusterCounts {
  const counts: ClusterCounts = { nodes: nodes.length, running: 0, degraded: 0, unknown: 0, failedMembers: 0, failingProbes: 0 };
  for (const n of nodes) {
    counts[n.status]++;
    if (n.member === "failed") counts.failedMembers++;
    counts.failingProbes += n.failing.length;
  }
  return counts;
}
