import { bytesEqual } from "../platform/bytes.ts";
import type { Clock } from "../platform/clock.ts";
import type { Logger } from "../platform/logger.ts";
import { createRateLimitedLog, REPEATED_LOG_INTERVAL_MS, type RateLimitedLog } from "../platform/rate-limited-log.ts";
import type { Random } from "../platform/random.ts";
import type { Awareness } from "./awareness.ts";
import type { BroadcastQueue } from "./broadcast-queue.ts";
import type { MembershipConfig } from "./config.ts";
import type { EventDelegate } from "./delegates.ts";
import { isPlausibleIncarnation, refutingIncarnation } from "./incarnation.ts";
import { ClaimFilter, type ClaimSource } from "./claim-filter.ts";
import { checkAliveClaim } from "./member-claims.ts";
import { goneLongerThan, longestGone } from "./member-retention.ts";
import { NodeStateCode, type AliveMessage, type DeadMessage, type GossipMessage, type PushNodeState, type SuspectMessage } from "./messages.ts";
import type { MemberNode, NodeStateName } from "./node.ts";
import { afterPendingInput } from "./after-pending-input.ts";
import { ProbeOrder } from "./probe-order.ts";
import { Suspicion, suspicionBounds } from "./suspicion.ts";
import { assertNever } from "../platform/assert-never.ts";

interface NodeRecord extends MemberNode {
  suspicion: Suspicion | undefined;
}

export interface MemberTableDeps {
  config: MembershipConfig;
  clock: Clock;
  random: Random;
  logger: Logger;
  awareness: Awareness;
  broadcasts: BroadcastQueue<GossipMessage>;
  encodedSize: (msg: GossipMessage) => number;
  events: EventDelegate | undefined;
  /** The layer above's check of a node's meta (see Delegate.validateMeta). */
  validateMeta?: (meta: Uint8Array) => string | undefined;
}

const STATE_CODES: Record<NodeStateName, NodeStateCode> = { alive: 0, suspect: 1, dead: 2, left: 3 };

/**
 * memberlist's node table and its rules: alive is accepted only with a greater incarnation,
 * suspect/dead with a greater or equal one; accusations about ourselves are refuted with
 * alive at max(own + 1, accused + 1); dead with from == node means the node left.
 * Every accepted change is re-gossiped (keyed by node, so it replaces older news).
 * Claims from the network are checked first (member-claims.ts, incarnation.ts): an unusable
 * field, an implausible incarnation or a full table drops the claim and counts it.
 */
export class MemberTable {
  private readonly nodes = new Map<string, NodeRecord>();
  private readonly order: ProbeOrder;
  private leavingFlag = false;
  readonly localName: string;
  private readonly claims: ClaimFilter;
  /** Claims dropped before they reached the table, by reason. */
  readonly rejected: ClaimFilter["rejected"];
  /** Members this node started to suspect (each alive -> suspect change it made), for metrics. */
  suspicionsStarted = 0;
  /** Lines the network can repeat at will: one per kind per interval. */
  private readonly notes: RateLimitedLog;

  constructor(private readonly deps: MemberTableDeps) {
    this.localName = deps.config.name;
    this.order = new ProbeOrder(deps.random);
    this.notes = createRateLimitedLog(deps.logger, () => deps.clock.monotonicMs(), REPEATED_LOG_INTERVAL_MS);
    this.claims = new ClaimFilter(this.notes, deps.config.incarnationJumpMax);
    this.rejected = this.claims.rejected;
  }

  get leaving(): boolean {
    return this.leavingFlag;
  }

  get(name: string): MemberNode | undefined {
    const rec = this.nodes.get(name);
    return rec ? snapshot(rec) : undefined;
  }

  all(): MemberNode[] {
    return [...this.nodes.values()].map(snapshot);
  }

  /** Nodes in the table, dead ones included until forgotten (memberlist's estimate of n). */
  size(): number {
    return this.nodes.size;
  }

  aliveCount(): number {
    let count = 0;
    for (const rec of this.nodes.values()) if (rec.state === "alive" || rec.state === "suspect") count++;
    return count;
  }

  aliveNode(a: AliveMessage, source: ClaimSource = "gossip", onDone?: () => void): void {
    const bootstrap = source === "local";
    const isLocal = a.node === this.localName;
    if (isLocal && this.leavingFlag) return void onDone?.();
    let rec = this.nodes.get(a.node);
    // A claim about a known node at no newer incarnation and the same address changes nothing:
    // dropped here, before the costlier checks (the layer above decodes the meta), since a
    // burst of joins delivers each alive several times.
    if (rec && !isLocal && a.incarnation <= rec.incarnation && rec.addr === a.addr && rec.port === a.port) return void onDone?.();
    if (!bootstrap) {
      const invalid = checkAliveClaim(a, { metaMaxBytes: this.deps.config.metaMaxBytes, validateMeta: this.deps.validateMeta });
      // An alive may be one step further ahead than an accusation: it answers one.
      const implausible = rec && source === "gossip" && !isPlausibleIncarnation(rec.incarnation, a.incarnation, this.deps.config.incarnationJumpMax + 1);
      const reason = invalid ?? (implausible ? "implausible_incarnation" : !rec && !this.makeRoom() ? "table_full" : undefined);
      if (reason) return void (this.claims.reject(reason, a.node, a.incarnation), onDone?.());
    }
    let isNew = false;
    if (!rec) {
      rec = { name: a.node, addr: a.addr, port: a.port, meta: a.meta, incarnation: 0, state: "dead", stateChangeMs: this.now(), vsn: a.vsn, suspicion: undefined };
      this.nodes.set(a.node, rec);
      this.order.insert(a.node);
      isNew = true;
    }
    const movesAddress = rec.addr !== a.addr || rec.port !== a.port;
    if (!isNew && movesAddress && (rec.state === "alive" || rec.state === "suspect")) {
      this.notes.log("warn", "address-conflict", "conflicting address for a live node; ignoring the newer claim", { node: a.node, current: `${rec.addr}:${rec.port}`, claimed: `${a.addr}:${a.port}` });
      return void onDone?.();
    }
    if (isLocal && a.incarnation < rec.incarnation) return void onDone?.();
    rec.suspicion?.cancel();
    rec.suspicion = undefined;
    const oldState = rec.state;
    const oldMeta = rec.meta;
    if (isLocal && !bootstrap) {
      if (a.incarnation === rec.incarnation && bytesEqual(a.meta, rec.meta)) return void onDone?.();
      this.refute(rec, a.incarnation);
      this.notes.log("warn", "refute-alive", "refuting an alive message about us", { incarnation: a.incarnation });
      return void onDone?.();
    }
    // News about a node we knew (a refutation, mostly) goes before news of joins.
    this.broadcast(a, onDone, !isNew && a.incarnation > rec.incarnation);
    Object.assign(rec, { incarnation: a.incarnation, meta: a.meta, addr: a.addr, port: a.port, vsn: a.vsn });
    if (rec.state !== "alive") {
      rec.state = "alive";
      rec.stateChangeMs = this.now();
    }
    if (oldState === "dead" || oldState === "left") this.deps.events?.onJoin(snapshot(rec));
    else if (!bytesEqual(oldMeta, rec.meta) || movesAddress) this.deps.events?.onUpdate(snapshot(rec));
  }

  suspectNode(s: SuspectMessage, source: ClaimSource = "gossip"): void {
    const rec = this.nodes.get(s.node);
    if (!rec || s.incarnation < rec.incarnation) return;
    if (!this.claims.accusationAccepted(rec.incarnation, s, source)) return;
    if (rec.suspicion) {
      if (rec.suspicion.confirm(s.from)) this.broadcast(s);
      return;
    }
    if (rec.state === "left" && s.node !== this.localName) {
      // Someone missed the graceful leave: repeat it so the suspicion ends as "left", not failed.
      if (!this.deps.broadcasts.has(s.node)) this.broadcast({ type: "dead", incarnation: rec.incarnation, node: rec.name, from: rec.name });
      return;
    }
    if (rec.state !== "alive") return;
    if (s.node === this.localName) {
      this.refute(rec, s.incarnation);
      this.notes.log("warn", "refute-suspect", "refuting a suspicion about us", { from: s.from, incarnation: s.incarnation });
      return;
    }
    this.broadcast(s);
    rec.incarnation = s.incarnation;
    rec.state = "suspect";
    this.suspicionsStarted++;
    const changedAt = this.now();
    rec.stateChangeMs = changedAt;
    const { config } = this.deps;
    const { k, minMs, maxMs } = suspicionBounds(config.suspicionMult, config.suspicionMaxTimeoutMult, this.size(), config.probeIntervalMs);
    rec.suspicion = new Suspicion(s.from, k, minMs, maxMs, this.deps.clock, (confirmations) => {
      // A refutation may be waiting unread when a busy host let the timer run late.
      afterPendingInput(this.deps.clock, () => {
        const current = this.nodes.get(s.node);
        if (!current || current.state !== "suspect" || current.stateChangeMs !== changedAt) return;
        this.notes.log("info", "suspicion-expired", "suspicion expired, declaring node dead", { node: s.node, confirmations });
        this.deadNode({ type: "dead", incarnation: current.incarnation, node: s.node, from: this.localName }, undefined, "local");
      });
    });
  }

  deadNode(d: DeadMessage, onDone?: () => void, source: ClaimSource = "gossip"): void {
    const rec = this.nodes.get(d.node);
    if (!rec || d.incarnation < rec.incarnation) return void onDone?.();
    if (!this.claims.accusationAccepted(rec.incarnation, d, source)) return void onDone?.();
    const isLeave = d.from === d.node;
    if (rec.state === "left" || (rec.state === "dead" && !isLeave)) return void onDone?.();
    rec.suspicion?.cancel();
    rec.suspicion = undefined;
    if (d.node === this.localName && !this.leavingFlag) {
      this.refute(rec, d.incarnation);
      this.notes.log("warn", "refute-dead", "refuting a dead message about us", { from: d.from, incarnation: d.incarnation });
      return void onDone?.();
    }
    this.broadcast(d, onDone);
    rec.incarnation = d.incarnation;
    rec.state = isLeave ? "left" : "dead";
    rec.stateChangeMs = this.now();
    this.deps.events?.onLeave(snapshot(rec));
  }

  /** Marks us as leaving and gossips dead{from: self}; `onDone` when it has gone out. */
  leave(onDone: () => void): void {
    this.leavingFlag = true;
    const self = this.nodes.get(this.localName);
    if (!self) return onDone();
    this.deadNode({ type: "dead", incarnation: self.incarnation, node: self.name, from: self.name }, onDone, "local");
  }

  /**
   * memberlist's mergeState: remote dead/suspect only makes us suspect (we probe ourselves).
   * `source` is "reply" for the answer to an exchange we started, "gossip" otherwise.
   */
  mergeRemote(nodes: readonly PushNodeState[], source: Exclude<ClaimSource, "local">): void {
    for (const r of nodes) {
      switch (r.state) {
        case NodeStateCode.alive:
          this.aliveNode({ type: "alive", incarnation: r.incarnation, node: r.name, addr: r.addr, port: r.port, meta: r.meta, vsn: r.vsn }, source);
          break;
        case NodeStateCode.left:
          this.deadNode({ type: "dead", incarnation: r.incarnation, node: r.name, from: r.name }, undefined, source);
          break;
        case NodeStateCode.suspect:
        case NodeStateCode.dead:
          this.suspectNode({ type: "suspect", incarnation: r.incarnation, node: r.name, from: this.localName }, source);
          break;
        default:
          assertNever(r.state);
      }
    }
  }

  localState(): PushNodeState[] {
    return [...this.nodes.values()].map((r) => ({ name: r.name, addr: r.addr, port: r.port, meta: r.meta, incarnation: r.incarnation, state: STATE_CODES[r.state], vsn: r.vsn }));
  }

  /** Next node of the shuffled round-robin probe list, skipping ourselves and dead nodes. */
  nextProbeTarget(): MemberNode | undefined {
    for (let scanned = 0; scanned <= this.order.size; scanned++) {
      if (this.order.roundOver()) {
        this.startProbeRound();
        if (this.order.size === 0) return undefined;
      }
      const rec = this.nodes.get(this.order.next());
      if (!rec || rec.name === this.localName || rec.state === "dead" || rec.state === "left") continue;
      return snapshot(rec);
    }
    return undefined;
  }

  /** Up to `k` distinct random nodes accepted by `accept` (memberlist's kRandomNodes). */
  randomNodes(k: number, accept: (node: MemberNode) => boolean): MemberNode[] {
    const picked = new Map<string, MemberNode>();
    const n = this.order.size;
    for (let tries = 0; tries < 3 * n && picked.size < k; tries++) {
      const rec = this.nodes.get(this.order.randomName() as string);
      if (!rec || picked.has(rec.name) || !accept(rec)) continue;
      picked.set(rec.name, snapshot(rec));
    }
    return [...picked.values()];
  }

  /** Cancels suspicion timers (shutdown). */
  stop(): void {
    for (const rec of this.nodes.values()) rec.suspicion?.cancel();
  }

  private refute(rec: NodeRecord, accusedIncarnation: number): void {
    rec.incarnation = refutingIncarnation(rec.incarnation, accusedIncarnation);
    this.deps.awareness.applyDelta(1);
    this.broadcast({ type: "alive", incarnation: rec.incarnation, node: rec.name, addr: rec.addr, port: rec.port, meta: rec.meta, vsn: rec.vsn }, undefined, true);
  }

  private broadcast(msg: AliveMessage | SuspectMessage | DeadMessage, onDone?: () => void, urgent = false): void {
    this.deps.broadcasts.enqueue(msg, this.deps.encodedSize(msg), msg.node, onDone, urgent);
  }

  /**
   * A slot for a new node: free below membersMax, else the place of the node dead or left
   * the longest (it would be forgotten soon anyway). False when every slot holds a live node.
   */
  private makeRoom(): boolean {
    if (this.nodes.size < this.deps.config.membersMax) return true;
    const oldest = longestGone(this.nodes.values(), this.localName);
    if (!oldest) return false;
    this.nodes.delete(oldest.name);
    return true;
  }

  /** At the end of a round: forget nodes dead longer than gossipToTheDead, reshuffle. */
  private startProbeRound(): void {
    for (const name of goneLongerThan(this.nodes.values(), this.localName, this.now(), this.deps.config.gossipToTheDeadMs)) this.nodes.delete(name);
    this.order.restart([...this.nodes.keys()]);
  }

  private now(): number {
    return this.deps.clock.monotonicMs();
  }
}

function snapshot(rec: NodeRecord): MemberNode {
  return { name: rec.name, addr: rec.addr, port: rec.port, meta: rec.meta, incarnation: rec.incarnation, state: rec.state, stateChangeMs: rec.stateChangeMs, vsn: rec.vsn };
}
