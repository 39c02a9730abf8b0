import type { NodeStatus, Probe, Severity } from "../events/health-state.ts";
import { clusterVerdict, type FailingCheckFact, type NodeFacts } from "./cluster-status.ts";
import { decodeDigestTags, probesFromDigest, withoutDigestTags, type HealthDigest } from "./health-digest.ts";
import { maintenanceMarkerJson, maintenanceWindowJson, type MaintenanceMute } from "./maintenance-table.ts";
import type { RemoteProbeView } from "./remote-probe-lists.ts";
import { rfc3339Nano, type ClusterStatusJson, type MemberState, type MemberStatusJson, type NodeStatusJson, type ProbeJson } from "./status-json.ts";

/** A member as the gossip layer reports it. */
export interface MemberInfo {
  name: string;
  addr: string;
  port: number;
  /** Treated as immutable: the view caches what it derives from a tags object by identity. */
  tags: Readonly<Record<string, string>>;
  status: MemberState;
}

export interface ClusterViewDeps {
  localName: string;
  members: () => MemberInfo[];
  /** This node's own full status (probes with details). */
  local: () => NodeStatusJson;
  /** Monotonic ms, for staleness. */
  monotonicMs: () => number;
  wallMs: () => number;
  /** An alive Satellite member that has not reported a status for this long counts as silent. */
  stalenessLimitMs: number;
  /** Another node's complete probe list, as it came over gossip; its digest stands in without it. */
  remoteProbes?: (name: string) => RemoteProbeView | undefined;
  /** The cluster's maintenance windows: muted nodes and checks do not count for the verdict, and are marked. */
  maintenance?: MaintenanceMute;
}

interface DecodedTags {
  digest: HealthDigest | undefined;
  operatorTags: Readonly<Record<string, string>>;
}

/**
 * Tags change only when a member updates its meta, but the view is read every second and on
 * every status request: decode each tags object once (O(members) string parsing per look
 * was most of an idle agent's CPU in a 100-member cluster).
 */
const decodedTags = new WeakMap<Readonly<Record<string, string>>, DecodedTags>();

/** The health digest a member's tags carry (undefined: it runs no Satellite); decoded once per tags object. */
export function memberDigest(tags: Readonly<Record<string, string>>): HealthDigest | undefined {
  return decode(tags).digest;
}

function decode(tags: Readonly<Record<string, string>>): DecodedTags {
  let decoded = decodedTags.get(tags);
  if (decoded === undefined) {
    decoded = { digest: decodeDigestTags(tags), operatorTags: Object.freeze(withoutDigestTags(tags)) };
    decodedTags.set(tags, decoded);
  }
  return decoded;
}

interface Tracked {
  /** When the member was first seen, or came back after it failed or left: staleness counts from here. */
  firstSeenMs: number;
  memberStatus: MemberState;
  /** As of the last `facts()`: no status reported and not stale yet, so time alone will change its facts. */
  awaitingReport: boolean;
}

/**
 * The cluster as this node sees it, from gossip alone: members, each one's digest, this
 * node's own probes. Answers /status without asking any other node.
 */
export class ClusterView {
  private readonly tracked = new Map<string, Tracked>();
  private maintenanceWindows: MaintenanceMute | undefined;

  constructor(private readonly deps: ClusterViewDeps) {
    this.maintenanceWindows = deps.maintenance;
  }

  /** Sets the maintenance windows the rules and markers follow (the agent creates them after gossip). */
  useMaintenance(maintenance: MaintenanceMute): void {
    this.maintenanceWindows = maintenance;
  }

  /**
   * When (monotonic ms) the facts last read will change by time alone: the earliest moment a
   * member that has not reported becomes stale. Undefined when none waits. Every other change
   * comes with a member event, a digest in the tags or a local status change.
   */
  nextStaleAtMs(): number | undefined {
    let earliest: number | undefined;
    for (const t of this.tracked.values()) {
      if (!t.awaitingReport) continue;
      const at = t.firstSeenMs + this.deps.stalenessLimitMs;
      if (earliest === undefined || at < earliest) earliest = at;
    }
    return earliest;
  }

  /** Every member with what its digest says; updates staleness bookkeeping. */
  facts(): (NodeFacts & { member: MemberInfo; digest?: HealthDigest })[] {
    const now = this.deps.monotonicMs();
    const members = this.deps.members();
    const names = new Set(members.map((m) => m.name));
    const maintenance = this.maintenanceWindows && this.maintenanceWindows.active().length > 0 ? this.maintenanceWindows : undefined;
    for (const name of this.tracked.keys()) if (!names.has(name)) this.tracked.delete(name);
    return members.map((member) => {
      let tracked = this.tracked.get(member.name);
      if (!tracked) {
        tracked = { firstSeenMs: now, memberStatus: member.status, awaitingReport: false };
        this.tracked.set(member.name, tracked);
      }
      // A node that restarts reports `unknown` until its checks ran: give it the staleness limit again.
      if ((tracked.memberStatus === "failed" || tracked.memberStatus === "left") && member.status === "alive") tracked.firstSeenMs = now;
      tracked.memberStatus = member.status;
      const { digest, operatorTags } = decode(member.tags);
      const isLocal = member.name === this.deps.localName;
      const nodeStatus: NodeStatus | undefined = isLocal ? this.deps.local().status : digest?.status === "unknown" ? undefined : digest?.status;
      const muted = maintenance?.nodeWindow(member.name) !== undefined;
      const stale = !isLocal && nodeStatus === undefined && now - tracked.firstSeenMs >= this.deps.stalenessLimitMs;
      tracked.awaitingReport = !isLocal && nodeStatus === undefined && !stale;
      return {
        name: member.name,
        memberStatus: member.status,
        tags: operatorTags,
        nodeStatus,
        runsSatellite: isLocal || digest !== undefined,
        stale,
        muted,
        // Only asked while a window is active: the view is read on every change.
        failing: maintenance && !muted && nodeStatus !== undefined ? this.failingChecks(member.name, isLocal, digest, maintenance) : undefined,
        member,
        digest,
      };
    });
  }

  /** A node's failing checks, each marked when muted; a digest that left some out adds one unknown (not muted). */
  private failingChecks(name: string, isLocal: boolean, digest: HealthDigest | undefined, maintenance: MaintenanceMute): FailingCheckFact[] | undefined {
    const probes = isLocal ? this.deps.local().probes : this.deps.remoteProbes?.(name)?.probes;
    const listed: { checker: string; severity: Severity }[] | undefined = probes
      ? probes.filter((p) => p.status === "failed").map((p) => ({ checker: p.checker, severity: p.severity ?? "critical" }))
      : digest && [...digest.failing, ...(digest.failingOmitted > 0 ? [{ checker: "", severity: "critical" as const }] : [])];
    return listed?.map((f) => ({ ...f, muted: f.checker !== "" && maintenance.checkWindow(name, f.checker) !== undefined }));
  }

  /**
   * The status JSON of the whole cluster. A remote node carries its complete probe list as it
   * came over gossip, with `reported_at` (when this node last knew its copy to be current), or
   * the failing checks its digest lists until the list arrives.
   */
  status(): ClusterStatusJson {
    const facts = this.facts();
    const verdict = clusterVerdict(facts);
    const local = this.deps.local();
    const now = this.deps.wallMs();
    const nodes: NodeStatusJson[] = facts.map((f) => {
      const member_status = memberStatusJson(f.member);
      if (f.name === this.deps.localName) return this.marked({ ...local, member_status, reported_at: rfc3339Nano(now) });
      const status = f.memberStatus === "failed" ? "degraded" : f.nodeStatus === "unknown" ? undefined : f.nodeStatus;
      const remote = f.runsSatellite ? this.deps.remoteProbes?.(f.name) : undefined;
      const probes = remote?.probes ?? (f.digest ? probesFromDigest(f.digest) : undefined);
      const reported_at = remote?.reportedAtMs === undefined ? undefined : rfc3339Nano(remote.reportedAtMs);
      return this.marked({ name: f.name, node_name: f.name, member_status, status, probes, reported_at });
    });
    const windows = this.maintenanceWindows?.active().map(maintenanceWindowJson);
    return { status: verdict.status, nodes, timestamp: rfc3339Nano(now), summary: verdict.summary, maintenance: windows };
  }

  /** The node with the maintenance markers of its windows (the node's own, and each muted probe's); unchanged without any. */
  marked(node: NodeStatusJson): NodeStatusJson {
    const maintenance = this.maintenanceWindows;
    if (!maintenance || maintenance.active().length === 0) return node;
    const own = maintenance.nodeWindow(node.name);
    const probes = node.probes?.map((p: Probe): ProbeJson => {
      const window = maintenance.checkWindow(node.name, p.checker);
      return window ? { ...p, maintenance: maintenanceMarkerJson(window) } : p;
    });
    return { ...node, probes, maintenance: own ? maintenanceMarkerJson(own) : undefined };
  }
}

/** A member as the status JSON's `member_status` (operator tags only; the digest is shown as probes). */
export function memberStatusJson(m: MemberInfo): MemberStatusJson {
  return { name: m.name, node_name: m.name, addr: formatMemberAddr(m), status: m.status, tags: { ...decode(m.tags).operatorTags } };
}

function formatMemberAddr(m: MemberInfo): string {
  return m.addr.includes(":") ? `[${m.addr}]:${m.port}` : `${m.addr}:${m.port}`;
}
