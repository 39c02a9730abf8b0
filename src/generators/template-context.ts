import { withoutApiPortTag } from "../cluster/api-port-tag.ts";
import type { MemberInfo } from "../cluster/cluster-view.ts";
import { clusterVerdict, type NodeFacts } from "../cluster/cluster-status.ts";
import type { MemberState } from "../cluster/status-json.ts";
import type { KvSnapshot } from "./kv-snapshot.ts";

/** One member as templates see it (docs/generators.md). */
export interface TemplateMember {
  name: string;
  /** The member's IP address, as gossip advertises it. */
  address: string;
  /** Its gossip port. */
  port: number;
  /** Operator and detected tags (Satellite's own `sat*` tags left out). */
  tags: Record<string, string>;
  /** Membership: alive, leaving, left or failed. */
  status: MemberState;
  /** What its probes say: running, degraded, or unknown (no status yet, or not a Satellite agent). */
  health: "running" | "degraded" | "unknown";
  /** The `role` tag (master or node), empty when it has none. */
  role: string;
  /** Alive and its probes pass: what a load balancer wants. */
  healthy: boolean;
}

/** The facts of one member as the cluster view gives them. */
export type MemberFacts = NodeFacts & { member: MemberInfo };

export interface TemplateSource {
  facts: readonly MemberFacts[];
  /** This node's name. */
  self: string;
  clusterName?: string;
}

export interface KvEntryView {
  key: string;
  value: string;
}

/** Everything a template may read: plain data plus `kv` and `kv_get` over a prefetched snapshot. */
export interface TemplateContext {
  members: TemplateMember[];
  cluster: { name: string; status: "running" | "degraded"; summary: string };
  self: { name: string };
  generator: { name: string; target: string };
  kv: (prefix: unknown) => KvEntryView[];
  kv_get: (key: unknown) => string | undefined;
}

/**
 * The template's view of the cluster. Members are sorted by name so the output changes only when
 * the cluster does (the file is not rewritten, the command not run, for gossip reordering).
 */
export function buildTemplateContext(source: TemplateSource, generator: { name: string; target: string }, snapshot: KvSnapshot): TemplateContext {
  const verdict = clusterVerdict(source.facts);
  const members = source.facts.map(templateMember).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return {
    members,
    cluster: { name: source.clusterName ?? "", status: verdict.status, summary: verdict.summary },
    self: { name: source.self },
    generator: { ...generator },
    kv: (prefix) => snapshot.list(requireText(prefix, "kv(prefix)")),
    kv_get: (key) => snapshot.get(requireText(key, "kv_get(key)")),
  };
}

function templateMember(f: MemberFacts): TemplateMember {
  const tags = withoutApiPortTag(f.tags);
  const health = f.nodeStatus === "running" || f.nodeStatus === "degraded" ? f.nodeStatus : "unknown";
  return {
    name: f.name,
    address: f.member.addr,
    port: f.member.port,
    tags,
    status: f.memberStatus,
    health,
    role: tags.role ?? "",
    healthy: f.memberStatus === "alive" && health === "running",
  };
}

function requireText(value: unknown, call: string): string {
  if (typeof value !== "string") throw new Error(`${call} takes a string, got ${value === undefined ? "nothing" : typeof value}`);
  return value;
}
