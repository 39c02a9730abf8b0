import type { MemberInfo } from "../cluster/cluster-view.ts";
import { formatAddress, type NetAddress } from "../membership/gossip-net.ts";
import type { Clock } from "../platform/clock.ts";
import { describeError, SatelliteError } from "../platform/errors.ts";
import type { Logger } from "../platform/logger.ts";
import type { Random } from "../platform/random.ts";
import { ANTI_ENTROPY_BUCKETS, bucketDigests, recordsInBuckets, sharedRecords } from "./anti-entropy.ts";
import { writeQuorum } from "./hash-ring.ts";
import { HintQueue, HINT_LIMITS } from "./hinted-handoff.ts";
import { KV_LIMITS, validateKvKey, validateKvValue, type KvBackend, type KvChange, type KvEntry, type KvListResult, type KvWriteResult } from "./kv-backend.ts";
import { replyOf, type KvMessage } from "./kv-messages.ts";
import { awaitQuorum } from "./kv-quorum.ts";
import { listAll } from "./kv-list.ts";
import { newerRecord, type KvRecord } from "./kv-record.ts";
import { kvNodes, RingCache, type KvNode } from "./kv-placement.ts";
import { compareVersions, formatVersion, HybridClock } from "./kv-version.ts";
import { decodeKvMessage, encodeKvMessage, KvWireError } from "./kv-wire.ts";
import { createReplicaServer } from "./replica-server.ts";
import { PeerCallLimiter } from "./peer-call-limiter.ts";
import { createNoticeReceiver } from "./kv-notices.ts";
import { repeatingTask, repeatingTaskWhileWork } from "./repeating-task.ts";
import type { KvReplicaStore } from "./replica-store.ts";

type KvReply = Extract<KvMessage, { type: "kvReply" }>;

export interface ReplicatedKvDeps {
  name: string;
  clock: Clock;
  random: Random;
  logger: Logger;
  store: KvReplicaStore;
  /** The membership as serf sees it now. */
  members: () => readonly MemberInfo[];
  /** Sends one request over a gossip stream and resolves with the reply's payload (rejects on timeout or refusal). */
  request: (to: NetAddress, payload: Uint8Array, timeoutMs: number) => Promise<Uint8Array | undefined>;
  /** Sends one packet, best effort (change notices); absent: nodes that hold no replica of a key learn of its changes only by reading. */
  notify?: (to: NetAddress, payload: Uint8Array) => void;
}

export interface ReplicatedKvOptions {
  /** One replica request, end to end. */
  requestTimeoutMs: number;
  tombstoneRetentionMs: number;
  antiEntropyIntervalMs: number;
  /** How often waiting hints are offered to replicas that are alive again. */
  hintIntervalMs: number;
  /** Keys one node holds at most, tombstones included. */
  replicaKeysMax: number;
}

export const DEFAULT_REPLICATED_KV_OPTIONS: ReplicatedKvOptions = {
  requestTimeoutMs: 2000,
  tombstoneRetentionMs: 7 * 86_400_000,
  antiEntropyIntervalMs: 10_000,
  hintIntervalMs: 1000,
  replicaKeysMax: 100_000,
};

export interface ReplicatedKvStats {
  hintsHeld: number;
  hintsDropped: number;
  hintsDelivered: number;
  readRepairs: number;
  antiEntropyRecords: number;
  malformedMessages: number;
  /** Change notices dropped: over the rate bound, or from an address that is no key-value node. */
  noticesDropped: number;
}

export interface ReplicatedKv extends KvBackend {
  /** For the gossip channel: a change notice that came as a packet. Called from the receive path: never throws. */
  onPacket(payload: Uint8Array, from: NetAddress): void;
  /** For the gossip channel: a key-value request from another node and its reply. Never rejects. */
  onRequest(payload: Uint8Array, from: NetAddress): Promise<Uint8Array | undefined>;
  stats(): ReplicatedKvStats;
  /** One anti-entropy exchange with a random replica peer now (also run on a timer). */
  antiEntropyRound(): Promise<void>;
}

/**
 * The replicated store (docs/kv.md): every node coordinates the requests it is asked, each key
 * lives on up to 3 nodes of the hash ring, a write is acknowledged by a majority of them, a read
 * asks a majority and repairs stale replicas, missed writes wait as hints, and anti-entropy
 * compares replicas in the background.
 */
export function createReplicatedKv(deps: ReplicatedKvDeps, options: ReplicatedKvOptions = DEFAULT_REPLICATED_KV_OPTIONS): ReplicatedKv {
  const { clock, logger, store, name } = deps;
  const hlc = new HybridClock(name, () => clock.nowMs());
  const rings = new RingCache();
  const hints = new HintQueue();
  const peerCalls = new PeerCallLimiter();
  const listeners = new Set<(change: KvChange) => void>();
  const stats = { hintsDelivered: 0, readRepairs: 0, antiEntropyRecords: 0, malformedMessages: 0 };
  let storeError: string | undefined;
  let closed = false;
  const nodes = () => kvNodes(deps.members(), name);
  const emit = (record: KvRecord) => {
    const change: KvChange = { key: record.key, op: record.value === undefined ? "delete" : "put", version: formatVersion(record.version) };
    for (const listener of listeners) listener(change);
  };
  const server = createReplicaServer({
    name,
    store,
    hlc,
    logger,
    ring: () => rings.ringFor(nodes()),
    keysMax: options.replicaKeysMax,
    onApplied: emit,
    tombstoneCutoffMs: () => clock.nowMs() - options.tombstoneRetentionMs,
    monotonicMs: () => clock.monotonicMs(),
    onStoreResult: (error) => (storeError = error),
  });
  const nodeAt = (addr: NetAddress) => nodes().find((n) => n.addr.ip === addr.ip && n.addr.port === addr.port);
  const notices = createNoticeReceiver({
    monotonicMs: () => clock.monotonicMs(),
    isKvNode: (from) => !closed && nodeAt(from) !== undefined,
    onNotice: (notice) => {
      hlc.observe(notice.version);
      emit({ key: notice.key, value: notice.deleted ? undefined : new Uint8Array(), version: notice.version });
    },
  });

  /** Sends one request to a replica; this node's own requests are answered in place. */
  const call = async (node: KvNode, message: KvMessage): Promise<KvReply> => {
    let reply: KvMessage;
    if (node.name === name) reply = server.answer(message, name);
    else {
      const payload = await peerCalls.run(formatAddress(node.addr), () => deps.request(node.addr, encodeKvMessage(message), options.requestTimeoutMs)).catch((error: unknown) => {
        throw new Error(`${node.name}: ${describeError(error)}`);
      });
      if (!payload) throw new Error(`${node.name} sent no reply`);
      reply = decodeKvMessage(payload);
    }
    if (reply.type !== "kvReply") throw new Error(`${node.name} answered with a ${reply.type}`);
    if (!reply.ok) throw new Error(`${node.name}: ${reply.error ?? "refused"}`);
    return reply;
  };
  const replicasOf = (key: string): KvNode[] => {
    const all = nodes();
    const byName = new Map(all.map((n) => [n.name, n]));
    return rings
      .ringFor(all)
      .replicasFor(key)
      .map((n) => byName.get(n) as KvNode);
  };

  const write = async (record: KvRecord): Promise<KvWriteResult> => {
    const replicas = replicasOf(record.key);
    const needed = writeQuorum(replicas.length);
    const calls = replicas.map(async (node) => {
      if (!node.alive) throw new Error(`${node.name} is not alive`);
      await call(node, { type: "kvWrite", records: [record] });
      return node.name;
    });
    // Replicas that did not store it get a hint, also after the write was acknowledged.
    const acked = await awaitQuorum(calls, needed);
    void Promise.allSettled(calls).then((outcomes) => {
      outcomes.forEach((outcome, i) => {
        const node = replicas[i] as KvNode;
        if (outcome.status === "rejected" && node.name !== name) hints.add(node.name, record);
      });
      hintDelivery.wake();
    });
    if (acked.values.length < needed) {
      throw new SatelliteError(
        "kv_write_no_quorum",
        `write of ${JSON.stringify(record.key)} reached ${acked.values.length} of its ${replicas.length} replicas, ${needed} needed: ${acked.errors.map(describeError).join("; ")}`,
        { hint: "most of the key's replicas are down or unreachable from this node; the write may still appear when they return (retry, or write from a node on the majority side)" },
      );
    }
    if (!replicas.some((n) => n.name === name)) emit(record);
    // The nodes that hold no replica hear of the change too (their generators follow it), best effort.
    if (deps.notify) {
      const notice = encodeKvMessage({ type: "kvNotice", key: record.key, deleted: record.value === undefined, version: record.version });
      for (const node of nodes()) if (node.alive && node.name !== name && !replicas.some((r) => r.name === node.name)) deps.notify(node.addr, notice);
    }
    return { version: formatVersion(record.version), acked: acked.values.length, replicas: replicas.length };
  };

  const readRecord = async (key: string): Promise<KvRecord | undefined> => {
    const replicas = replicasOf(key).filter((n) => n.alive);
    const all = replicasOf(key).length;
    const needed = writeQuorum(all);
    const calls = replicas.map(async (node) => ({ node, record: (await call(node, { type: "kvRead", key })).records[0] }));
    const { values, errors } = await awaitQuorum(calls, needed, (late) => repair(key, late));
    if (values.length < needed) {
      throw new SatelliteError("kv_read_no_quorum", `read of ${JSON.stringify(key)} reached ${values.length} of its ${all} replicas, ${needed} needed${errors.length ? `: ${errors.map(describeError).join("; ")}` : ""}`, {
        hint: "most of the key's replicas are down or unreachable from this node; retry, or read from a node on the majority side",
      });
    }
    return newest(values.map((v) => v.record));
  };
  /** Read repair: every replica that answered with less than the newest gets the newest. */
  const repair = (key: string, answers: { node: KvNode; record: KvRecord | undefined }[]) => {
    const best = newest(answers.map((a) => a.record));
    if (!best) return;
    for (const { node, record } of answers) {
      if (record && compareVersions(record.version, best.version) >= 0) continue;
      stats.readRepairs++;
      call(node, { type: "kvWrite", records: [best] }).catch((error: unknown) => logger.debug("read repair failed", { key, node: node.name, error: describeError(error) }));
    }
  };

  const deliverHints = async () => {
    const alive = new Map(nodes().map((n) => [n.name, n]));
    for (const target of hints.targets()) {
      const node = alive.get(target);
      if (!node) {
        hints.forget(target);
        continue;
      }
      if (!node.alive) continue;
      const batch = hints.take(target);
      try {
        await call(node, { type: "kvWrite", records: batch });
        hints.delivered(target, batch);
        stats.hintsDelivered += batch.length;
      } catch (error) {
        logger.debug("hints not delivered yet", { node: target, hints: batch.length, error: describeError(error) });
      }
    }
  };

  const antiEntropyRound = async () => {
    store.purgeTombstones(clock.nowMs() - options.tombstoneRetentionMs);
    // A node holding nothing has nothing to offer: the peers that hold its keys push them when
    // their rounds pick it, and a cluster that does not use the store exchanges nothing at all.
    if (store.count() === 0) return;
    const all = nodes();
    const ring = rings.ringFor(all);
    const peers = all.filter((n) => n.name !== name && n.alive);
    if (peers.length === 0 || !all.some((n) => n.name === name)) return;
    const peer = peers[deps.random.int(peers.length)] as KvNode;
    const digests = bucketDigests(sharedRecords(store, ring, name, peer.name), ANTI_ENTROPY_BUCKETS);
    const reply = await call(peer, { type: "kvDigest", bucketCount: ANTI_ENTROPY_BUCKETS, digests });
    if (reply.buckets.length === 0) return;
    stats.antiEntropyRecords += server.applyAll(reply.records);
    const mine = recordsInBuckets(sharedRecords(store, ring, name, peer.name, pushCursors.get(peer.name)), new Set(reply.buckets), ANTI_ENTROPY_BUCKETS);
    if (mine.truncated) pushCursors.set(peer.name, mine.records.at(-1)?.key as string);
    else pushCursors.delete(peer.name);
    if (mine.records.length > 0) await call(peer, { type: "kvWrite", records: mine.records });
  };
  const pushCursors = new Map<string, string>();

  const quietly = (run: () => Promise<void>, what: string) => () => run().catch((error: unknown) => logger.debug(`${what} failed`, { error: describeError(error) }));
  // Hint delivery runs only while hints wait (an idle node is not woken every second for none).
  const hintDelivery = repeatingTaskWhileWork(clock, deps.random, options.hintIntervalMs, quietly(deliverHints, "hint delivery"), () => hints.size() > 0);
  const tasks = [hintDelivery, repeatingTask(clock, deps.random, options.antiEntropyIntervalMs, quietly(antiEntropyRound, "anti-entropy"))];

  return {
    kind: "replicated",
    async get(key): Promise<KvEntry | undefined> {
      validateKvKey(key);
      const record = await readRecord(key);
      if (!record?.value) return undefined;
      return { key, value: record.value, version: formatVersion(record.version), writtenAtMs: record.version.ms };
    },
    async put(key, value) {
      validateKvKey(key);
      validateKvValue(key, value);
      return write({ key, value: new Uint8Array(value), version: hlc.next() });
    },
    async delete(key) {
      validateKvKey(key);
      return write({ key, value: undefined, version: hlc.next() });
    },
    async list(prefix, limit = KV_LIMITS.listEntriesMax): Promise<KvListResult> {
      if (prefix !== "") validateKvKey(prefix);
      const wanted = Math.max(1, Math.min(limit, KV_LIMITS.listEntriesMax));
      const all = nodes();
      const ring = rings.ringFor(all);
      return listAll(all.filter((n) => n.alive), prefix, wanted, call, (node, key) => ring.replicasFor(key).includes(node));
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    health() {
      const problems: string[] = [];
      if (storeError) problems.push(`key-value replica store: ${storeError}`);
      if (hints.size() >= HINT_LIMITS.hintsMax * 0.9) problems.push(`${hints.size()} writes wait as hints for unreachable replicas (limit ${HINT_LIMITS.hintsMax}; more are dropped and left to anti-entropy)`);
      return { kind: "replicated", problems };
    },
    async close() {
      closed = true;
      for (const task of tasks) task.stop();
      store.close();
    },
    onPacket: (payload, from) => notices.receive(payload, from),
    async onRequest(payload, from) {
      let message: KvMessage;
      try {
        message = decodeKvMessage(payload);
      } catch (error) {
        stats.malformedMessages++;
        logger.debug("malformed key-value message dropped", { from: formatAddress(from), error: error instanceof KvWireError ? error.message : describeError(error) });
        return encodeKvMessage(replyOf({ ok: false, error: "malformed message" }));
      }
      if (closed) return encodeKvMessage(replyOf({ ok: false, error: "the key-value store is stopping" }));
      return encodeKvMessage(server.answer(message, nodeAt(from)?.name));
    },
    stats: () => ({ ...stats, malformedMessages: stats.malformedMessages + notices.counts.malformed, noticesDropped: notices.counts.dropped, hintsHeld: hints.size(), hintsDropped: hints.dropped }),
    antiEntropyRound,
  };
}

function newest(records: readonly (KvRecord | undefined)[]): KvRecord | undefined {
  let best: KvRecord | undefined;
  for (const record of records) if (record) best = best ? newerRecord(best, record) : record;
  return best;
}
