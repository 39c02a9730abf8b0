import { BroadcastQueue } from "../membership/broadcast-queue.ts";
import type { Delegate, EventDelegate } from "../membership/delegates.ts";
import type { MemberNode } from "../membership/node.ts";
import { describeError } from "../platform/errors.ts";
import type { Logger } from "../platform/logger.ts";
import { createRateLimitedLog, REPEATED_LOG_INTERVAL_MS, type RateLimitedLog } from "../platform/rate-limited-log.ts";
import type { SerfConfig } from "./serf-config.ts";
import { UserEventBuffer } from "./serf-event-buffer.ts";
import { LamportClock } from "./serf-lamport.ts";
import { SerfMembers, type SerfIntentRejections, type SerfMemberEvent } from "./serf-members.ts";
import { tagsProblem } from "./serf-wire-meta.ts";
import type { SerfCodec, SerfOutgoingMessage, SerfPushPullMessage, SerfUserEventMessage, TagCodec } from "./serf-messages.ts";
import { assertNever } from "../platform/assert-never.ts";
import type { SerfQueries } from "./serf-queries.ts";

export interface SerfUserEvent {
  type: "user";
  ltime: number;
  name: string;
  payload: Uint8Array;
  coalesce: boolean;
}

export type SerfEvent = SerfMemberEvent | SerfUserEvent;

export interface SerfCoreDeps {
  config: SerfConfig;
  codec: SerfCodec;
  tagCodec: TagCodec;
  logger: Logger;
  nowMs: () => number;
  /** memberlist's current member count, for retransmit limits. */
  numNodes: () => number;
  emit: (event: SerfEvent) => void;
  isLeaving: () => boolean;
  /** After every enqueue on the intent, event and query queues (memberlist's `notifyQueued`). */
  onQueued: () => void;
}

/**
 * serf's state and its memberlist delegates: the three Lamport clocks, member statuses, the
 * user-event buffer, and the intent/event broadcast queues piggybacked on memberlist packets.
 */
export class SerfCore implements Delegate, EventDelegate {
  readonly memberClock = new LamportClock();
  readonly eventClock = new LamportClock();
  readonly queryClock = new LamportClock();
  readonly members: SerfMembers;
  readonly intentQueue: BroadcastQueue<Uint8Array>;
  readonly eventQueue: BroadcastQueue<Uint8Array>;
  readonly queryQueue: BroadcastQueue<Uint8Array>;
  /** Receives queries, responses and relays (set once the serf layer built it). */
  queries: Pick<SerfQueries, "handleQuery" | "handleResponse" | "handleRelay"> | undefined;
  private readonly eventBuffer: UserEventBuffer;
  private eventMinTime = 0;
  /** Set while our own join runs with ignoreOldEvents. */
  ignoreEventsOnJoin = false;
  tags: Record<string, string>;
  decodeErrors = 0;
  /** Lines the network can repeat at will: one per kind per interval. */
  private readonly notes: RateLimitedLog;
  private eventsImplausible = 0;

  constructor(private readonly deps: SerfCoreDeps) {
    const { config } = deps;
    this.notes = createRateLimitedLog(deps.logger, deps.nowMs, REPEATED_LOG_INTERVAL_MS);
    this.tags = { ...config.tags };
    this.eventBuffer = new UserEventBuffer(config.eventBufferSize);
    const queueOptions = { retransmitMult: config.membership.retransmitMult, numNodes: deps.numNodes, maxQueued: config.queueDepthMax, onQueued: deps.onQueued };
    this.intentQueue = new BroadcastQueue<Uint8Array>(queueOptions);
    this.eventQueue = new BroadcastQueue<Uint8Array>(queueOptions);
    this.queryQueue = new BroadcastQueue<Uint8Array>(queueOptions);
    this.members = new SerfMembers({
      localName: config.membership.name,
      clock: this.memberClock,
      nowMs: deps.nowMs,
      decodeTags: (meta) => this.decodeTags(meta),
      emit: deps.emit,
      isLeaving: deps.isLeaving,
      refuteLeave: () => this.broadcastJoin(this.memberClock.time()),
      membersMax: config.membership.membersMax,
    });
  }

  /** Intents and user events dropped before they were applied, by reason. */
  rejected(): SerfIntentRejections {
    const r = this.members.rejected;
    return { implausible_ltime: r.implausible_ltime + this.eventsImplausible, invalid_name: r.invalid_name };
  }

  /**
   * Gossips an intent. As serf's broadcasts, intents never replace one another in the queue: a
   * join intent relayed after our force-leave must not take the leave's place (nodes that have
   * not heard the join yet still need the leave, and its done callback means "sent").
   */
  broadcastIntent(msg: SerfOutgoingMessage & { node: string }, onDone?: () => void): void {
    const bytes = this.deps.codec.encode(msg);
    this.intentQueue.enqueue(bytes, bytes.length, undefined, onDone);
  }

  broadcastJoin(ltime: number): void {
    const msg = { type: "join", ltime, node: this.deps.config.membership.name } as const;
    this.memberClock.witness(ltime);
    this.members.onJoinIntent(msg);
    this.broadcastIntent(msg);
  }

  /** Applies a user event (ours or received); true when it was new. */
  handleUserEvent(msg: Pick<SerfUserEventMessage, "ltime" | "name" | "payload" | "cc">): boolean {
    if (!this.eventClock.isPlausible(msg.ltime)) {
      this.eventsImplausible++;
      return false;
    }
    this.eventClock.witness(msg.ltime);
    if (msg.ltime < this.eventMinTime) return false;
    const verdict = this.eventBuffer.record(msg.ltime, msg.name, msg.payload, this.eventClock.time());
    if (verdict === "too-old") this.notes.log("warn", "old-user-event", "ignoring an old user event", { name: msg.name, ltime: msg.ltime, now: this.eventClock.time() });
    if (verdict !== "new") return false;
    this.deps.emit({ type: "user", ltime: msg.ltime, name: msg.name, payload: msg.payload, coalesce: msg.cc });
    return true;
  }

  // memberlist Delegate

  nodeMeta(limitBytes: number): Uint8Array {
    const meta = this.deps.tagCodec.encode(this.tags);
    if (meta.length > limitBytes) this.deps.logger.warn("tags exceed the node meta limit", { bytes: meta.length, limitBytes });
    return meta;
  }

  /** Another node's meta must decode as tags without control characters (see tagsProblem). */
  validateMeta(meta: Uint8Array): string | undefined {
    try {
      return tagsProblem(this.deps.tagCodec.decode(meta));
    } catch (error) {
      return `tags do not decode: ${describeError(error)}`;
    }
  }

  notifyMsg(payload: Uint8Array): void {
    let msg;
    try {
      msg = this.deps.codec.decode(payload);
    } catch (error) {
      this.decodeErrors++;
      this.notes.log("warn", "malformed-message", "dropping a malformed serf message", { bytes: payload.length, error: describeError(error) });
      return;
    }
    switch (msg.type) {
      case "leave":
        if (this.members.onLeaveIntent(msg)) this.intentQueue.enqueue(payload, payload.length);
        return;
      case "join":
        if (this.members.onJoinIntent(msg)) this.intentQueue.enqueue(payload, payload.length);
        return;
      case "userEvent":
        if (this.handleUserEvent(msg)) this.eventQueue.enqueue(payload, payload.length);
        return;
      case "query":
        if (this.queries?.handleQuery(msg, payload.length)) this.queryQueue.enqueue(payload, payload.length);
        return;
      case "queryResponse":
        this.queries?.handleResponse(msg);
        return;
      case "relay":
        this.queries?.handleRelay(msg);
        return;
      case "pushPull":
      case "other":
        // Push/pull state arrives through mergeRemoteState, not as a broadcast; key requests
        // and responses only travel inside query payloads; newer types are dropped.
        this.notes.log("debug", "unhandled-message", "ignoring a serf message we do not handle", { type: msg.type });
        return;
      default:
        assertNever(msg, "serf message");
    }
  }

  getBroadcasts(limitBytes: number, sizeOf: (payload: Uint8Array) => number): Uint8Array[] {
    const overhead = sizeOf(new Uint8Array()) + 3;
    const intents = this.intentQueue.take(overhead, limitBytes);
    const events = this.eventQueue.take(overhead, limitBytes - intents.usedBytes);
    const queries = this.queryQueue.take(overhead, limitBytes - intents.usedBytes - events.usedBytes);
    return [...intents.items, ...events.items, ...queries.items];
  }

  localState(): Uint8Array {
    const msg: SerfPushPullMessage = {
      type: "pushPull",
      ltime: this.memberClock.time(),
      statusLTimes: this.members.statusLTimes(),
      leftMembers: this.members.names("left"),
      eventLTime: this.eventClock.time(),
      events: this.eventBuffer.collection(),
      queryLTime: this.queryClock.time(),
    };
    return this.deps.codec.encode(msg);
  }

  mergeRemoteState(state: Uint8Array, join: boolean): void {
    let pp;
    try {
      pp = this.deps.codec.decode(state);
    } catch (error) {
      this.decodeErrors++;
      this.notes.log("warn", "malformed-push-pull", "dropping a malformed serf push/pull state", { bytes: state.length, error: describeError(error) });
      return;
    }
    if (pp.type !== "pushPull") return void this.notes.log("warn", "push-pull-not-serf", "push/pull user state is not a serf pushPull", { type: pp.type });
    if (pp.ltime > 0) this.memberClock.witness(pp.ltime - 1);
    if (pp.eventLTime > 0) this.eventClock.witness(pp.eventLTime - 1);
    if (pp.queryLTime > 0) this.queryClock.witness(pp.queryLTime - 1);
    const left = new Set(pp.leftMembers);
    for (const node of left) this.members.onLeaveIntent({ ltime: pp.statusLTimes.get(node) ?? 0, node });
    for (const [node, ltime] of pp.statusLTimes) if (!left.has(node)) this.members.onJoinIntent({ ltime, node });
    if (join && this.ignoreEventsOnJoin) this.eventMinTime = Math.max(this.eventMinTime, pp.eventLTime);
    for (const slot of pp.events) for (const e of slot.events) this.handleUserEvent({ ltime: slot.ltime, name: e.name, payload: e.payload, cc: false });
  }

  // memberlist EventDelegate

  onJoin(node: MemberNode): void {
    this.members.onNodeJoin(node);
  }

  onLeave(node: MemberNode): void {
    this.members.onNodeLeave(node);
  }

  onUpdate(node: MemberNode): void {
    this.members.onNodeUpdate(node);
  }

  private decodeTags(meta: Uint8Array): Record<string, string> {
    try {
      return this.deps.tagCodec.decode(meta);
    } catch (error) {
      this.notes.log("warn", "bad-tags", "could not decode a member's tags", { error: describeError(error) });
      return {};
    }
  }
}
