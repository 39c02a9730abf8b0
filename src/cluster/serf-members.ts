import { isValidNodeName } from "../membership/member-claims.ts";
import type { MemberNode } from "../membership/node.ts";
import type { LamportClock } from "./serf-lamport.ts";
import type { SerfJoinMessage, SerfLeaveMessage } from "./serf-messages.ts";

export type SerfMemberStatus = "alive" | "leaving" | "left" | "failed";

export interface SerfMember {
  name: string;
  addr: string;
  port: number;
  /** Frozen, and the same object until the member's tags change: consumers may cache by identity. */
  tags: Readonly<Record<string, string>>;
  status: SerfMemberStatus;
}

export type SerfMemberEventType = "member-join" | "member-leave" | "member-failed" | "member-update" | "member-reap";

export interface SerfMemberEvent {
  type: SerfMemberEventType;
  member: SerfMember;
}

interface MemberRecord extends SerfMember {
  /** LTime of the last accepted join/leave intent; older intents are ignored. */
  statusLTime: number;
  /** Monotonic ms when it became failed or left (for reaping). */
  leftAtMs: number;
  /** A force-leave with prune reached it while it was leaving: forgotten once it has left. */
  pruneWhenLeft: boolean;
}

interface Intent {
  type: "join" | "leave";
  ltime: number;
  atMs: number;
}

export interface SerfMembersDeps {
  localName: string;
  clock: LamportClock;
  nowMs: () => number;
  decodeTags: (meta: Uint8Array) => Record<string, string>;
  emit: (event: SerfMemberEvent) => void;
  /** True while we ourselves are leaving (a leave intent about us is then genuine). */
  isLeaving: () => boolean;
  /** Someone claims we are leaving while we are not: gossip a join intent to refute it. */
  refuteLeave: () => void;
  /**
   * Most members kept (memberlist's membersMax): beyond it the member failed or left the
   * longest is forgotten early (member-reap). Intents about unknown nodes are bounded alike.
   */
  membersMax: number;
}

/** Intents dropped before they were applied, by reason. */
export interface SerfIntentRejections {
  /** The LTime is more than LTIME_JUMP_MAX ahead of our clock. */
  implausible_ltime: number;
  invalid_name: number;
}

/**
 * serf's member states. memberlist decides existence (join) and disappearance (leave); the
 * intents and memberlist's own left/dead distinction decide left vs failed. A graceful leave
 * becomes "left" whichever arrives first: the leave intent (leaving, then left on dead), or
 * memberlist's dead{from: node} (left directly); an intent about a node we have not met yet is
 * kept and applied when memberlist reports it.
 */
export class SerfMembers {
  private readonly members = new Map<string, MemberRecord>();
  private readonly intents = new Map<string, Intent>();
  readonly rejected: SerfIntentRejections = { implausible_ltime: 0, invalid_name: 0 };

  constructor(private readonly deps: SerfMembersDeps) {}

  list(): SerfMember[] {
    return [...this.members.values()].map(view);
  }

  get(name: string): SerfMember | undefined {
    const m = this.members.get(name);
    return m ? view(m) : undefined;
  }

  statusLTimes(): Map<string, number> {
    return new Map([...this.members.values()].map((m) => [m.name, m.statusLTime]));
  }

  names(status: SerfMemberStatus): string[] {
    return [...this.members.values()].filter((m) => m.status === status).map((m) => m.name);
  }

  onNodeJoin(node: MemberNode): void {
    let m = this.members.get(node.name);
    if (!m) {
      this.makeRoom();
      m = { name: node.name, addr: node.addr, port: node.port, tags: this.tagsOf(node), status: "alive", statusLTime: 0, leftAtMs: 0, pruneWhenLeft: false };
      this.members.set(node.name, m);
      const intent = this.intents.get(node.name);
      if (intent) {
        this.intents.delete(node.name);
        m.statusLTime = intent.ltime;
        if (intent.type === "leave") m.status = "leaving";
      }
    } else {
      Object.assign(m, { addr: node.addr, port: node.port, tags: this.tagsOf(node), status: "alive", leftAtMs: 0, pruneWhenLeft: false });
    }
    this.deps.emit({ type: "member-join", member: view(m) });
  }

  /** Decoded once per meta change and frozen, so consumers can cache by the object's identity. */
  private tagsOf(node: MemberNode): Readonly<Record<string, string>> {
    return Object.freeze(this.deps.decodeTags(node.meta));
  }

  onNodeUpdate(node: MemberNode): void {
    const m = this.members.get(node.name);
    if (!m) return;
    Object.assign(m, { addr: node.addr, port: node.port, tags: this.tagsOf(node) });
    this.deps.emit({ type: "member-update", member: view(m) });
  }

  onNodeLeave(node: MemberNode): void {
    const m = this.members.get(node.name);
    if (!m) return;
    const graceful = node.state === "left" || m.status === "leaving" || this.hasLeaveIntent(m);
    if (m.status === "alive" || m.status === "leaving") {
      this.settle(m, graceful ? "left" : "failed");
    } else if (m.status === "failed" && node.state === "left") {
      this.settle(m, "left");
    }
  }

  /**
   * Returns true when the intent was new (the caller re-gossips it). A leave intent about
   * another node is also serf's force-leave: a failed member becomes left (and stops counting
   * as failed); with `prune` a left member is forgotten now (member-reap) and a leaving one as
   * soon as it has left, instead of after the tombstone timeout.
   */
  onLeaveIntent(msg: Pick<SerfLeaveMessage, "ltime" | "node"> & { prune?: boolean }): boolean {
    if (!this.acceptable(msg)) return false;
    this.deps.clock.witness(msg.ltime);
    const m = this.members.get(msg.node);
    if (!m) return this.rememberIntent(msg.node, "leave", msg.ltime);
    if (msg.ltime <= m.statusLTime) return false;
    if (msg.node === this.deps.localName && !this.deps.isLeaving()) {
      this.deps.refuteLeave();
      return false;
    }
    m.statusLTime = msg.ltime;
    if (m.status === "alive") m.status = "leaving";
    else if (m.status === "failed") this.settle(m, "left");
    if (msg.prune === true && m.name !== this.deps.localName) {
      if (m.status === "left") this.forget(m);
      else m.pruneWhenLeft = true;
    }
    return true;
  }

  onJoinIntent(msg: Pick<SerfJoinMessage, "ltime" | "node">): boolean {
    if (!this.acceptable(msg)) return false;
    this.deps.clock.witness(msg.ltime);
    const m = this.members.get(msg.node);
    if (!m) return this.rememberIntent(msg.node, "join", msg.ltime);
    if (msg.ltime <= m.statusLTime) return false;
    m.statusLTime = msg.ltime;
    if (m.status === "leaving") m.status = "alive";
    m.pruneWhenLeft = false;
    return true;
  }

  /** Drops failed/left members past their timeouts and stale intents. */
  reap(failedAfterMs: number, leftAfterMs: number, intentAfterMs: number): void {
    const now = this.deps.nowMs();
    for (const m of [...this.members.values()]) {
      const limit = m.status === "failed" ? failedAfterMs : m.status === "left" ? leftAfterMs : undefined;
      if (limit === undefined || m.name === this.deps.localName || now - m.leftAtMs <= limit) continue;
      this.forget(m);
    }
    for (const [name, intent] of [...this.intents]) if (now - intent.atMs > intentAfterMs) this.intents.delete(name);
  }

  /** Checked before the time is witnessed: a forged time must not move our clock either. */
  private acceptable(msg: { ltime: number; node: string }): boolean {
    const reason = !isValidNodeName(msg.node) ? "invalid_name" : !this.deps.clock.isPlausible(msg.ltime) ? "implausible_ltime" : undefined;
    if (reason) this.rejected[reason]++;
    return reason === undefined;
  }

  /** Below membersMax, or after forgetting the member failed or left the longest. */
  private makeRoom(): void {
    if (this.members.size < this.deps.membersMax) return;
    let oldest: MemberRecord | undefined;
    for (const m of this.members.values()) {
      if ((m.status === "failed" || m.status === "left") && m.name !== this.deps.localName && (!oldest || m.leftAtMs < oldest.leftAtMs)) oldest = m;
    }
    if (oldest) this.forget(oldest);
  }

  private forget(m: MemberRecord): void {
    this.members.delete(m.name);
    this.deps.emit({ type: "member-reap", member: view(m) });
  }

  private hasLeaveIntent(m: MemberRecord): boolean {
    const intent = this.intents.get(m.name);
    return intent?.type === "leave" && intent.ltime > m.statusLTime;
  }

  private settle(m: MemberRecord, status: "left" | "failed"): void {
    m.status = status;
    m.leftAtMs = this.deps.nowMs();
    this.deps.emit({ type: status === "left" ? "member-leave" : "member-failed", member: view(m) });
    if (status === "left" && m.pruneWhenLeft) this.forget(m);
  }

  private rememberIntent(node: string, type: Intent["type"], ltime: number): boolean {
    const existing = this.intents.get(node);
    if (existing && existing.ltime >= ltime) return false;
    if (!existing && this.intents.size >= this.deps.membersMax) {
      const oldest = this.intents.keys().next().value;
      if (oldest !== undefined) this.intents.delete(oldest);
    }
    this.intents.delete(node);
    this.intents.set(node, { type, ltime, atMs: this.deps.nowMs() });
    return true;
  }
}

function view(m: MemberRecord): SerfMember {
  return { name: m.name, addr: m.addr, port: m.port, tags: m.tags, status: m.status };
}
