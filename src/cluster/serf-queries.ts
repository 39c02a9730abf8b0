import type { NetAddress } from "../membership/gossip-net.ts";
import { isValidNodeName } from "../membership/member-claims.ts";
import type { Clock, Timer } from "../platform/clock.ts";
import { SatelliteError, describeError } from "../platform/errors.ts";
import type { Logger } from "../platform/logger.ts";
import type { Random } from "../platform/random.ts";
import { createRateLimitedLog, REPEATED_LOG_INTERVAL_MS, type RateLimitedLog } from "../platform/rate-limited-log.ts";
import type { LamportClock } from "./serf-lamport.ts";
import type { SerfMember } from "./serf-members.ts";
import { QUERY_FLAG_ACK, QUERY_FLAG_NO_BROADCAST, type SerfCodec, type SerfQueryMessage, type SerfQueryResponseMessage, type SerfRelayMessage } from "./serf-messages.ts";
import { QueryDedupeBuffer } from "./serf-query-buffer.ts";
import { encodeFilters, QueryFilterMatcher, tagExpressionProblem } from "./serf-query-filters.ts";
import { checkQueryParams, type SerfQueriesConfig } from "./serf-query-limits.ts";
import type { IncomingSerfQuery, SerfQuerying, SerfQueryParams, SerfQueryResponse, SerfQueryResult } from "./serf-query-api.ts";

export interface SerfQueriesDeps {
  config: SerfQueriesConfig;
  clock: Clock;
  random: Random;
  logger: Logger;
  codec: SerfCodec;
  queryClock: LamportClock;
  /** Gossips a query to every member (serf's query broadcast queue). */
  broadcast(bytes: Uint8Array): void;
  /** Sends a serf message straight to one node as a memberlist user message over UDP. */
  sendTo(to: NetAddress, bytes: Uint8Array): void;
  members(): SerfMember[];
  /** memberlist's member count: sizes the default timeout. */
  numMembers(): number;
  localTags(): Readonly<Record<string, string>>;
  localAddress(): NetAddress;
  isRunning(): boolean;
}

/** Counters of what the network sent that was not acted on. */
export interface SerfQueryDrops {
  implausible_ltime: number;
  oversized: number;
  unknown_source: number;
  handlers_busy: number;
  unexpected_response: number;
  relay_refused: number;
}

interface Pending {
  id: number;
  wantAck: boolean;
  acks: Set<string>;
  responses: Map<string, SerfQueryResponse>;
  responseBytes: number;
  onResponse?: (r: SerfQueryResponse) => void;
  responsesWanted: number | undefined;
  finish: () => void;
}

type Handler = (query: IncomingSerfQuery) => Promise<Uint8Array | undefined>;

/**
 * serf's queries (serf/query.go, handleQuery, handleQueryResponse, the relay): a query is
 * gossiped through the query broadcast queue and handled once per (LTime, id); members that
 * pass its filters ack and answer straight to the source over UDP, optionally relayed through
 * a few others. Everything received is bounded: sizes (serf's 1024-byte limits), ids per LTime,
 * handlers running at once, and the acks and responses a query collects.
 */
export class SerfQueries implements SerfQuerying {
  readonly drops: SerfQueryDrops = { implausible_ltime: 0, oversized: 0, unknown_source: 0, handlers_busy: 0, unexpected_response: 0, relay_refused: 0 };
  private readonly seen: QueryDedupeBuffer;
  private readonly filters = new QueryFilterMatcher();
  private readonly handlers = new Map<string, Handler>();
  private readonly pending = new Map<number, Pending>();
  private readonly timers = new Set<Timer>();
  private readonly notes: RateLimitedLog;
  private handlersRunning = 0;

  constructor(private readonly deps: SerfQueriesDeps) {
    this.seen = new QueryDedupeBuffer(deps.config.bufferSize);
    this.notes = createRateLimitedLog(deps.logger, () => deps.clock.monotonicMs(), REPEATED_LOG_INTERVAL_MS);
  }

  /** serf's DefaultQueryTimeout: gossip interval x timeout multiplier x ceil(log10(N + 1)). */
  defaultTimeoutMs(): number {
    const { gossipIntervalMs, timeoutMult } = this.deps.config;
    return gossipIntervalMs * timeoutMult * Math.ceil(Math.log10(this.deps.numMembers() + 1));
  }

  query(params: SerfQueryParams, onResponse?: (response: SerfQueryResponse) => void): Promise<SerfQueryResult> {
    const { config, codec, queryClock } = this.deps;
    if (!this.deps.isRunning()) return Promise.reject(new SatelliteError("serf_not_running", `cannot send query "${params.name}": gossip is not running`, { hint: "start the agent (or wait for its start-up) first" }));
    const problem = checkQueryParams(params, config) ?? Object.values(params.filterTags ?? {}).map(tagExpressionProblem).find((p) => p !== undefined);
    if (problem) return Promise.reject(new SatelliteError("query_invalid", `query "${params.name.slice(0, 64)}": ${problem}`, { hint: "fix the named parameter and send the query again" }));
    if (this.pending.size >= config.pendingMax) {
      return Promise.reject(new SatelliteError("query_busy", `${this.pending.size} queries are running on this node, the most it runs at once`, { hint: "wait for them to time out, then send the query again" }));
    }
    const timeoutMs = params.timeoutMs ?? this.defaultTimeoutMs();
    const local = this.deps.localAddress();
    const msg: SerfQueryMessage = {
      type: "query",
      ltime: queryClock.time(),
      id: this.deps.random.int(2 ** 31),
      addr: local.ip,
      port: local.port,
      sourceNode: config.localName,
      filters: encodeFilters(params),
      flags: params.requestAck ? QUERY_FLAG_ACK : 0,
      relayFactor: params.relayFactor ?? 0,
      timeoutNs: Math.round(timeoutMs * 1e6),
      name: params.name,
      payload: params.payload,
    };
    const raw = codec.encode(msg);
    if (raw.length > config.querySizeLimitBytes) {
      return Promise.reject(new SatelliteError("query_too_large", `query "${params.name.slice(0, 64)}" encodes to ${raw.length} bytes, over serf's limit of ${config.querySizeLimitBytes}`, { hint: "send a smaller payload or fewer filters" }));
    }
    return new Promise((resolve) => {
      const p: Pending = { id: msg.id, wantAck: params.requestAck === true, acks: new Set(), responses: new Map(), responseBytes: 0, onResponse, responsesWanted: params.responsesWanted, finish: () => {} };
      const timer = this.deps.clock.setTimer(timeoutMs, () => p.finish());
      this.timers.add(timer);
      p.finish = () => {
        timer.cancel();
        this.timers.delete(timer);
        this.pending.delete(msg.ltime);
        resolve({ acks: [...p.acks], responses: [...p.responses.values()] });
      };
      this.pending.set(msg.ltime, p);
      this.handleQuery(msg, raw.length);
      this.deps.broadcast(raw);
    });
  }

  answerQuery(name: string, handler: Handler): () => void {
    if (this.handlers.has(name)) throw new SatelliteError("query_handler_exists", `queries named "${name}" already have a handler`, { hint: "remove the first handler before adding another" });
    this.handlers.set(name, handler);
    return () => {
      if (this.handlers.get(name) === handler) this.handlers.delete(name);
    };
  }

  /** Ends every running query now with what it collected (the agent stops). */
  shutdown(): void {
    for (const p of [...this.pending.values()]) p.finish();
    for (const t of this.timers) t.cancel();
    this.timers.clear();
  }

  /** A query from gossip (or our own); `bytes` is its encoded size. Returns whether to rebroadcast it. */
  handleQuery(msg: SerfQueryMessage, bytes: number): boolean {
    const { config, queryClock } = this.deps;
    if (bytes > config.querySizeLimitBytes) return this.drop("oversized", "a query over serf's size limit", { bytes });
    if (!queryClock.isPlausible(msg.ltime)) return this.drop("implausible_ltime", "a query with an implausible LTime", { ltime: msg.ltime, now: queryClock.time() });
    queryClock.witness(msg.ltime);
    const verdict = this.seen.record(msg.ltime, msg.id, queryClock.time());
    if (verdict === "too-old") this.notes.log("warn", "old-query", "ignoring an old query", { name: msg.name.slice(0, 64), ltime: msg.ltime, now: queryClock.time() });
    if (verdict !== "new") return false;
    const rebroadcast = (msg.flags & QUERY_FLAG_NO_BROADCAST) === 0;
    if (!this.filters.check(msg.filters, config.localName, this.deps.localTags()).pass) return rebroadcast;
    const source = this.replyTarget(msg);
    if (!source) return this.drop("unknown_source", "not answering a query whose source is not a member at that address", { source: msg.sourceNode.slice(0, 64) }) || rebroadcast;
    if ((msg.flags & QUERY_FLAG_ACK) !== 0) this.reply(msg, source, { type: "queryResponse", ltime: msg.ltime, id: msg.id, from: config.localName, flags: QUERY_FLAG_ACK, payload: new Uint8Array() });
    this.dispatch(msg, source);
    return rebroadcast;
  }

  handleResponse(msg: SerfQueryResponseMessage): void {
    const p = this.pending.get(msg.ltime);
    if (!p || p.id !== msg.id || !isValidNodeName(msg.from)) return void this.drop("unexpected_response", "a response to no running query, or from no valid member name", { ltime: msg.ltime, from: msg.from.slice(0, 64) });
    const { responseSizeLimitBytes, responsesMax, responseBytesMax } = this.deps.config;
    if ((msg.flags & QUERY_FLAG_ACK) !== 0) {
      if (p.wantAck && p.acks.size < responsesMax) p.acks.add(msg.from);
      return;
    }
    if (p.responses.has(msg.from)) return;
    if (msg.payload.length > responseSizeLimitBytes || p.responses.size >= responsesMax || p.responseBytes + msg.payload.length > responseBytesMax) {
      return void this.drop("oversized", "a query response over a bound (size, count or bytes)", { from: msg.from.slice(0, 64), bytes: msg.payload.length });
    }
    const response = { from: msg.from, payload: msg.payload };
    p.responses.set(msg.from, response);
    p.responseBytes += msg.payload.length;
    try {
      p.onResponse?.(response);
    } catch (error) {
      this.deps.logger.error("a query response listener threw; continuing", { error: describeError(error) });
    }
    if (p.responsesWanted !== undefined && p.responses.size >= p.responsesWanted) p.finish();
  }

  /** Forwards a relayed response, only to a member at its known address (never an open reflector). */
  handleRelay(msg: SerfRelayMessage): void {
    const { config, codec } = this.deps;
    const inner = msg.message.length > config.responseSizeLimitBytes ? undefined : safeDecode(codec, msg.message);
    if (inner?.type !== "queryResponse") return void this.drop("relay_refused", "a relay that is not a query response within the size limit");
    if (msg.destName === config.localName) return this.handleResponse(inner);
    const dest = this.deps.members().find((m) => m.name === msg.destName && m.addr === msg.destAddr && m.port === msg.destPort && m.status === "alive");
    if (!dest) return void this.drop("relay_refused", "a relay to a destination that is not a live member at that address", { dest: msg.destName.slice(0, 64) });
    this.deps.sendTo({ ip: dest.addr, port: dest.port }, msg.message);
  }

  /** Where to answer: ourselves, or a known member at the query's address. */
  private replyTarget(msg: SerfQueryMessage): { local: true } | { local: false; addr: NetAddress } | undefined {
    const local = this.deps.localAddress();
    if (msg.sourceNode === this.deps.config.localName) return msg.addr === local.ip && msg.port === local.port ? { local: true } : undefined;
    const m = this.deps.members().find((x) => x.name === msg.sourceNode);
    if (!m || m.addr !== msg.addr || m.port !== msg.port || m.status === "left") return undefined;
    return { local: false, addr: { ip: m.addr, port: m.port } };
  }

  private dispatch(msg: SerfQueryMessage, source: { local: true } | { local: false; addr: NetAddress }): void {
    const handler = this.handlers.get(msg.name);
    if (!handler) return;
    if (this.handlersRunning >= this.deps.config.handlersRunningMax) return void this.drop("handlers_busy", "dropping a query: too many query handlers running", { name: msg.name.slice(0, 64) });
    const deadlineMs = this.deps.clock.monotonicMs() + Math.min(Math.max(0, msg.timeoutNs / 1e6), this.deps.config.answerTimeoutMsMax);
    this.handlersRunning++;
    handler({ name: msg.name, payload: msg.payload, sourceNode: msg.sourceNode, ltime: msg.ltime, id: msg.id })
      .then(
        (payload) => {
          if (payload === undefined) return;
          if (this.deps.clock.monotonicMs() > deadlineMs) return void this.notes.log("warn", "late-answer", "a query answer came after the query's deadline; not sent", { name: msg.name.slice(0, 64) });
          this.reply(msg, source, { type: "queryResponse", ltime: msg.ltime, id: msg.id, from: this.deps.config.localName, flags: 0, payload });
        },
        (error: unknown) => this.notes.log("warn", "handler-failed", "a query handler failed; no answer sent", { name: msg.name.slice(0, 64), error: describeError(error) }),
      )
      .finally(() => this.handlersRunning--);
  }

  /** Sends an ack or response to the source, and through up to relayFactor other members. */
  private reply(query: SerfQueryMessage, source: { local: true } | { local: false; addr: NetAddress }, resp: SerfQueryResponseMessage): void {
    const { config, codec } = this.deps;
    if (source.local) return this.handleResponse(resp);
    const raw = codec.encode(resp);
    if (raw.length > config.responseSizeLimitBytes) {
      return this.notes.log("warn", "answer-too-large", "a query answer is over serf's response size limit; not sent", { name: query.name.slice(0, 64), bytes: raw.length, limit: config.responseSizeLimitBytes });
    }
    this.deps.sendTo(source.addr, raw);
    const relayFactor = Math.min(query.relayFactor, config.relayFactorMax);
    const members = this.deps.members();
    if (relayFactor === 0 || members.length < relayFactor + 1) return;
    const relay = codec.encode({ type: "relay", destAddr: source.addr.ip, destPort: source.addr.port, destName: query.sourceNode, message: raw });
    if (relay.length > config.responseSizeLimitBytes) return;
    const candidates = members.filter((m) => m.status === "alive" && m.name !== config.localName);
    for (let i = 0; i < relayFactor && candidates.length > 0; i++) {
      const [m] = candidates.splice(this.deps.random.int(candidates.length), 1);
      if (m) this.deps.sendTo({ ip: m.addr, port: m.port }, relay);
    }
  }

  /** Counts and notes a drop; returns false (nothing to rebroadcast). */
  private drop(reason: keyof SerfQueryDrops, message: string, fields?: Record<string, unknown>): false {
    this.drops[reason]++;
    this.notes.log("debug", `query-${reason}`, message, fields);
    return false;
  }
}

function safeDecode(codec: SerfCodec, bytes: Uint8Array) {
  try {
    return codec.decode(bytes);
  } catch {
    return undefined;
  }
}
