import { SatelliteError } from "../platform/errors.ts";

/**
 * etcd v3's JSON gateway as plain data: request bodies (keys and values in base64) and the
 * validation of its answers. Pure functions; nothing here talks to the network. Every answer
 * is treated as hostile: revisions must be decimal integers, counts are bounded, keys must lie
 * under the prefix that was asked for.
 */

/** etcd sends int64 fields as decimal strings; a revision is never negative. */
const REVISION = /^\d{1,19}$/;

export interface EtcdKeyValue {
  /** The whole etcd key, prefix included. */
  key: Uint8Array;
  value: Uint8Array;
  modRevision: string;
}

export interface EtcdRangeAnswer {
  kvs: EtcdKeyValue[];
  more: boolean;
  /** The store's revision when the range was read. */
  revision: string;
}

export type EtcdEventType = "put" | "delete";

export interface EtcdWatchEvent {
  type: EtcdEventType;
  key: Uint8Array;
  modRevision: string;
}

/** One message of a watch stream, validated. */
export type EtcdWatchMessage =
  | { kind: "created"; revision: string }
  /** `fragment`: more events of the same revision follow in the next message. */
  | { kind: "events"; events: EtcdWatchEvent[]; revision: string; fragment: boolean }
  | { kind: "compacted"; compactRevision: string }
  | { kind: "canceled"; reason: string }
  | { kind: "progress"; revision: string };

export function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("base64");
}

export function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

/** The first key after every key that starts with `prefix` (etcd's range_end for a prefix). */
export function prefixRangeEnd(prefix: Uint8Array): Uint8Array {
  const end = Uint8Array.from(prefix);
  for (let i = end.length - 1; i >= 0; i--) {
    if ((end[i] as number) < 0xff) {
      end[i] = (end[i] as number) + 1;
      return end.slice(0, i + 1);
    }
  }
  // Only 0xff bytes: every key from here on. etcd spells "to the end" as a single zero byte.
  return Uint8Array.of(0);
}

/** `key` + one zero byte: the smallest key after `key`, where the next page of a list starts. */
export function keyAfter(key: Uint8Array): Uint8Array {
  const next = new Uint8Array(key.length + 1);
  next.set(key);
  return next;
}

/** The `/v3/kv/range` body for keys in [key, rangeEnd), at most `limit`, optionally at a fixed revision. */
export function rangeRequest(key: Uint8Array, options: { rangeEnd?: Uint8Array; limit?: number; revision?: string } = {}): Record<string, unknown> {
  const body: Record<string, unknown> = { key: toBase64(key) };
  if (options.rangeEnd) body.range_end = toBase64(options.rangeEnd);
  if (options.limit !== undefined) body.limit = String(options.limit);
  if (options.revision !== undefined) body.revision = options.revision;
  return body;
}

function fail(endpoint: string, what: string): never {
  throw new SatelliteError("kv_etcd_bad_answer", `etcd at ${endpoint} sent an answer Satellite cannot use: ${what}`, {
    hint: "check that --kv-etcd-endpoints names etcd v3 client URLs (port 2379 by default), not a proxy or another service",
  });
}

function objectOf(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function revisionOf(endpoint: string, value: unknown, what: string, optional = true): string {
  // etcd leaves out int64 fields that are zero.
  if (value === undefined && optional) return "0";
  if (typeof value !== "string" || !REVISION.test(value)) fail(endpoint, `${what} is not a revision`);
  return value.replace(/^0+(?=\d)/, "");
}

function bytesOf(endpoint: string, value: unknown, what: string, bytesMax: number): Uint8Array {
  if (value === undefined) return new Uint8Array(0);
  // base64 of bytesMax bytes is at most 4/3 as long; check before decoding anything.
  if (typeof value !== "string" || value.length > Math.ceil(bytesMax / 3) * 4 + 4 || !/^[A-Za-z0-9+/]*={0,2}$/.test(value)) {
    fail(endpoint, `${what} is not base64 of at most ${bytesMax} bytes`);
  }
  return new Uint8Array(Buffer.from(value, "base64"));
}

function headerRevision(endpoint: string, answer: Record<string, unknown>): string {
  const header = objectOf(answer.header);
  if (!header) fail(endpoint, "no header");
  return revisionOf(endpoint, header.revision, "header.revision", false);
}

/** The answer object of a unary call: a JSON object with a header. */
export function parseUnaryAnswer(endpoint: string, text: string): { answer: Record<string, unknown>; revision: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    fail(endpoint, "not JSON");
  }
  const answer = objectOf(parsed);
  if (!answer) fail(endpoint, "not a JSON object");
  return { answer, revision: headerRevision(endpoint, answer) };
}

export interface KeyValueBounds {
  keyBytesMax: number;
  valueBytesMax: number;
}

function keyValueOf(endpoint: string, value: unknown, bounds: KeyValueBounds): EtcdKeyValue {
  const kv = objectOf(value);
  if (!kv) fail(endpoint, "a key-value entry is not an object");
  return {
    key: bytesOf(endpoint, kv.key, "a key", bounds.keyBytesMax),
    value: bytesOf(endpoint, kv.value, "a value", bounds.valueBytesMax),
    modRevision: revisionOf(endpoint, kv.mod_revision, "mod_revision", false),
  };
}

/** A `/v3/kv/range` answer with at most `entriesMax` entries, each within `bounds`. */
export function parseRangeAnswer(endpoint: string, text: string, entriesMax: number, bounds: KeyValueBounds): EtcdRangeAnswer {
  const { answer, revision } = parseUnaryAnswer(endpoint, text);
  const kvs = answer.kvs ?? [];
  if (!Array.isArray(kvs)) fail(endpoint, "kvs is not a list");
  if (kvs.length > entriesMax) fail(endpoint, `${kvs.length} entries where at most ${entriesMax} were asked for`);
  const more = answer.more ?? false;
  if (typeof more !== "boolean") fail(endpoint, "more is not a boolean");
  return { kvs: kvs.map((kv) => keyValueOf(endpoint, kv, bounds)), more, revision };
}

/** One line of a `/v3/watch` stream: `{"result": WatchResponse}` or `{"error": ...}`. */
export function parseWatchLine(endpoint: string, line: string, eventsMax: number, keyBytesMax: number): EtcdWatchMessage {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    fail(endpoint, "a watch message is not JSON");
  }
  const outer = objectOf(parsed);
  if (!outer) fail(endpoint, "a watch message is not a JSON object");
  const error = objectOf(outer.error);
  if (error) return { kind: "canceled", reason: typeof error.message === "string" ? error.message.slice(0, 200) : "the watch stream reported an error" };
  const result = objectOf(outer.result);
  if (!result) fail(endpoint, "a watch message has no result");
  const compactRevision = revisionOf(endpoint, result.compact_revision, "compact_revision");
  if (compactRevision !== "0") return { kind: "compacted", compactRevision };
  if (result.canceled === true) {
    return { kind: "canceled", reason: typeof result.cancel_reason === "string" && result.cancel_reason !== "" ? result.cancel_reason.slice(0, 200) : "etcd canceled the watch" };
  }
  const revision = headerRevision(endpoint, result);
  if (result.created === true) return { kind: "created", revision };
  const events = result.events ?? [];
  if (!Array.isArray(events)) fail(endpoint, "watch events are not a list");
  if (events.length > eventsMax) fail(endpoint, `${events.length} watch events in one message, over ${eventsMax}`);
  if (events.length === 0) return { kind: "progress", revision };
  return {
    kind: "events",
    revision,
    fragment: result.fragment === true,
    events: events.map((raw) => {
      const event = objectOf(raw);
      if (!event) fail(endpoint, "a watch event is not an object");
      // PUT is the zero value of the enum, so etcd leaves it out.
      const type = event.type === undefined || event.type === "PUT" ? "put" : event.type === "DELETE" ? "delete" : fail(endpoint, "a watch event has an unknown type");
      const kv = objectOf(event.kv);
      if (!kv) fail(endpoint, "a watch event has no kv");
      return { type, key: bytesOf(endpoint, kv.key, "a watched key", keyBytesMax), modRevision: revisionOf(endpoint, kv.mod_revision, "mod_revision", false) };
    }),
  };
}
