import { createHash } from "node:crypto";
import type { NotifierConfig } from "../config/notifiers-schema.ts";
import type { AlertState } from "./alert-state.ts";

/**
 * Identities that must come out the same on every node, computed from what every node shares
 * (the notifier's name, the subject, the change, the key of the change before it), never from
 * local sequence numbers or clocks. That is what makes a re-send after a take-over carry the
 * key of the first attempt, so a receiver that remembers keys sees it once.
 */

function sha256Hex(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/** 8 hex digits naming a notifier in acknowledgments and its state file. */
export function notifierId(name: string): string {
  return sha256Hex(`notifier\u0000${name}`).slice(0, 8);
}

/** 12 hex digits naming a subject (`probe/node-1/docker`) on the wire. */
export function subjectId(subject: string): string {
  return sha256Hex(`subject\u0000${subject}`).slice(0, 12);
}

/**
 * The idempotency key of one notification: the notifier, the subject, its new state, whether
 * it repeats a firing alert, and the key of the notification before it for the same subject
 * ("" for the first). Chaining on the previous key keeps keys stable across nodes without a
 * shared clock, and makes every fire/resolve cycle distinct.
 */
export function notificationKey(notifier: string, subject: string, state: AlertState, repeat: boolean, previousKey: string): string {
  return sha256Hex(`v1\u0000${notifier}\u0000${subject}\u0000${state}\u0000${repeat ? "repeat" : "change"}\u0000${previousKey}`).slice(0, 20);
}

/**
 * 4 hex digits of a notifier's settings, gossiped so nodes configured differently notice it.
 * Secrets are left out (only whether and where one is given counts): the hash is public.
 */
export function settingsHash(config: NotifierConfig): string {
  const { secret: _s, password: _p, ...rest } = config as NotifierConfig & { secret?: string; password?: string };
  const marked = { ...rest, secretGiven: "secret" in config && config.secret !== undefined, passwordGiven: "password" in config && config.password !== undefined };
  return sha256Hex(`settings\u0000${canonicalJson(marked)}`).slice(0, 4);
}

/** JSON with object keys sorted, so equal settings hash equally whatever order the file had. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}
