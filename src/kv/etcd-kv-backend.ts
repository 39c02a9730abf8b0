import { SatelliteError } from "../platform/errors.ts";
import { EtcdGateway, type EtcdGatewayOptions } from "./etcd-gateway.ts";
import { EtcdWatch } from "./etcd-watch.ts";
import { type EtcdKeyValue, type EtcdWatchEvent, keyAfter, parseRangeAnswer, parseUnaryAnswer, prefixRangeEnd, rangeRequest, toBase64, utf8 } from "./etcd-wire.ts";
import {
  KV_LIMITS,
  type KvBackend,
  type KvBackendHealth,
  type KvChange,
  type KvEntry,
  type KvListResult,
  type KvWriteResult,
  validateKvKey,
  validateKvValue,
} from "./kv-backend.ts";

/**
 * The key-value store on a real etcd v3 cluster (`--kv-backend etcd`), for users who need
 * strong consistency: every call goes to etcd's JSON gateway, whose raft log makes a write
 * durable on a majority of etcd members before it answers; so a write counts as acknowledged
 * by 1 of 1 replica. Keys live under one prefix (`/satellite/kv/` by default), values are
 * stored as given, so etcdctl and other clients see the same data. A version is the key's
 * mod revision; a delete's is the revision it created.
 */

export interface EtcdKvBackendOptions extends EtcdGatewayOptions {
  /** Prefix of every key in etcd; the store's keys follow it. */
  prefix?: string;
}

export const ETCD_KV_PREFIX_DEFAULT = "/satellite/kv/";
export const ETCD_KV_PREFIX_BYTES_MAX = 256;

/** Entries one range call asks for while listing: bounds one answer to a few MiB. */
const LIST_PAGE_ENTRIES = 100;
/** Pages one list reads at most: keys other clients wrote that are not UTF-8 are skipped, so pages may hold fewer entries than asked. */
const LIST_PAGES_MAX = 200;
/** Header and JSON punctuation of an answer, beyond the base64 of keys and values. */
const ANSWER_OVERHEAD_BYTES = 4096;
const PER_ENTRY_OVERHEAD_BYTES = 256;

export class EtcdKvBackend implements KvBackend {
  readonly kind = "etcd" as const;
  private readonly gateway: EtcdGateway;
  private readonly prefix: Uint8Array;
  private readonly bounds: { keyBytesMax: number; valueBytesMax: number };
  private readonly listeners = new Set<(change: KvChange) => void>();
  private watch: EtcdWatch | undefined;
  private closed = false;

  constructor(private readonly options: EtcdKvBackendOptions) {
    const prefix = options.prefix ?? ETCD_KV_PREFIX_DEFAULT;
    this.prefix = utf8(prefix);
    if (this.prefix.length === 0 || this.prefix.length > ETCD_KV_PREFIX_BYTES_MAX) {
      throw new SatelliteError("kv_etcd_prefix_invalid", `the etcd key prefix ${JSON.stringify(prefix)} must have 1 to ${ETCD_KV_PREFIX_BYTES_MAX} bytes`, {
        hint: "give --kv-etcd-prefix such as /satellite/kv/",
      });
    }
    this.gateway = new EtcdGateway(options);
    this.bounds = { keyBytesMax: this.prefix.length + KV_LIMITS.keyBytesMax, valueBytesMax: KV_LIMITS.valueBytesMax };
  }

  async get(key: string): Promise<KvEntry | undefined> {
    this.checkOpen();
    validateKvKey(key);
    const { text, endpoint } = await this.gateway.call("/v3/kv/range", rangeRequest(this.etcdKey(key)), this.answerBytesMax(1));
    const answer = parseRangeAnswer(endpoint, text, 1, this.bounds);
    const found = answer.kvs[0];
    return found ? this.entryOf(endpoint, found) : undefined;
  }

  async put(key: string, value: Uint8Array): Promise<KvWriteResult> {
    this.checkOpen();
    validateKvKey(key);
    validateKvValue(key, value);
    const { text, endpoint } = await this.gateway.call("/v3/kv/put", { key: toBase64(this.etcdKey(key)), value: toBase64(value) }, ANSWER_OVERHEAD_BYTES);
    return { version: parseUnaryAnswer(endpoint, text).revision, acked: 1, replicas: 1 };
  }

  async delete(key: string): Promise<KvWriteResult> {
    this.checkOpen();
    validateKvKey(key);
    const { text, endpoint } = await this.gateway.call("/v3/kv/deleterange", { key: toBase64(this.etcdKey(key)) }, ANSWER_OVERHEAD_BYTES);
    return { version: parseUnaryAnswer(endpoint, text).revision, acked: 1, replicas: 1 };
  }

  /** Pages of LIST_PAGE_ENTRIES, all read at the first page's revision: one consistent snapshot. */
  async list(prefix: string, limit: number = KV_LIMITS.listEntriesMax): Promise<KvListResult> {
    this.checkOpen();
    if (prefix !== "") validateKvKey(prefix);
    if (!Number.isInteger(limit) || limit < 1 || limit > KV_LIMITS.listEntriesMax) {
      throw new SatelliteError("kv_list_limit_invalid", `a list limit of ${limit} is out of range`, { hint: `give a whole number from 1 to ${KV_LIMITS.listEntriesMax}` });
    }
    const start = this.etcdKey(prefix);
    const rangeEnd = prefixRangeEnd(start);
    const entries: KvEntry[] = [];
    let from = start;
    let revision: string | undefined;
    for (let page = 0; ; page++) {
      if (page === LIST_PAGES_MAX) return { entries, truncated: true };
      const pageEntries = Math.min(LIST_PAGE_ENTRIES, limit - entries.length + 1);
      const request = rangeRequest(from, { rangeEnd, limit: pageEntries, revision });
      const { text, endpoint } = await this.gateway.call("/v3/kv/range", request, this.answerBytesMax(pageEntries));
      const answer = parseRangeAnswer(endpoint, text, pageEntries, this.bounds);
      revision ??= answer.revision;
      for (const kv of answer.kvs) {
        if (entries.length === limit) return { entries, truncated: true };
        const entry = this.entryOf(endpoint, kv);
        if (entry) entries.push(entry);
      }
      const last = answer.kvs.at(-1);
      if (!answer.more || !last) return { entries, truncated: false };
      const next = keyAfter(last.key);
      // Pages must move forward; an endpoint that repeats itself would keep this loop going.
      if (Buffer.compare(next, from) <= 0) throw new SatelliteError("kv_etcd_bad_answer", `etcd at ${endpoint} answered a list page that does not move past the previous one`, { hint: "check that the endpoint is etcd v3" });
      from = next;
    }
  }

  onChange(listener: (change: KvChange) => void): () => void {
    this.listeners.add(listener);
    if (!this.watch && !this.closed) {
      this.watch = new EtcdWatch({
        gateway: this.gateway,
        clock: this.options.clock,
        key: this.prefix,
        rangeEnd: prefixRangeEnd(this.prefix),
        keyBytesMax: this.bounds.keyBytesMax,
        onEvents: (events) => this.deliver(events),
      });
      this.watch.start();
    }
    return () => {
      this.listeners.delete(listener);
    };
  }

  health(): KvBackendHealth {
    // A failed watch reconnect is also the gateway's last problem: say it once.
    const problems = new Set([this.gateway.currentProblem(), this.watch?.problem].filter((p): p is string => p !== undefined));
    return { kind: "etcd", problems: [...problems] };
  }

  async close(): Promise<void> {
    this.closed = true;
    this.listeners.clear();
    await this.watch?.stop();
  }

  private deliver(events: EtcdWatchEvent[]): void {
    for (const event of events) {
      const key = this.storeKeyOf(event.key);
      if (key === undefined) continue;
      const change: KvChange = { key, op: event.type, version: event.modRevision };
      for (const listener of this.listeners) {
        try {
          listener(change);
        } catch {
          // A listener's failure is its own; the others still hear of the change.
        }
      }
    }
  }

  private etcdKey(key: string): Uint8Array {
    const bytes = utf8(key);
    const whole = new Uint8Array(this.prefix.length + bytes.length);
    whole.set(this.prefix);
    whole.set(bytes, this.prefix.length);
    return whole;
  }

  /** The store's key of an etcd key under the prefix; undefined for one outside it or not UTF-8 (written by another client). */
  private storeKeyOf(etcdKey: Uint8Array): string | undefined {
    if (etcdKey.length <= this.prefix.length || !this.isUnderPrefix(etcdKey)) return undefined;
    try {
      return new TextDecoder("utf-8", { fatal: true }).decode(etcdKey.subarray(this.prefix.length));
    } catch {
      return undefined;
    }
  }

  private entryOf(endpoint: string, kv: EtcdKeyValue): KvEntry | undefined {
    if (!this.isUnderPrefix(kv.key)) {
      throw new SatelliteError("kv_etcd_bad_answer", `etcd at ${endpoint} answered with a key outside the prefix that was asked for`, { hint: "check that the endpoint is etcd v3" });
    }
    const key = this.storeKeyOf(kv.key);
    return key === undefined ? undefined : { key, value: kv.value, version: kv.modRevision };
  }

  private isUnderPrefix(etcdKey: Uint8Array): boolean {
    return etcdKey.length >= this.prefix.length && this.prefix.every((byte, i) => etcdKey[i] === byte);
  }

  private answerBytesMax(entries: number): number {
    const entryBytes = Math.ceil((this.bounds.keyBytesMax + this.bounds.valueBytesMax) / 3) * 4 + PER_ENTRY_OVERHEAD_BYTES;
    return ANSWER_OVERHEAD_BYTES + entries * entryBytes;
  }

  private checkOpen(): void {
    if (this.closed) throw new SatelliteError("kv_closed", "the etcd key-value backend is closed", { hint: "this happens while the agent stops; try again once it runs" });
  }
}
