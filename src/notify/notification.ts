import type { NotifiableChange } from "../config/notifiers-schema.ts";
import type { AlertState, ObservedAlert } from "./alert-state.ts";

/** One notification in a notifier's outbox: a change of one subject, under its idempotency key. */
export interface Notification {
  /** The idempotency key (notification-keys.ts): the same on every node for the same change. */
  key: string;
  /** The key of the notification before it for the same subject ("" for the first). */
  previousKey: string;
  subjectId: string;
  change: NotifiableChange;
  /** The subject's state before this change (the same as its state for a repeat). */
  previousState: AlertState;
  /** A reminder that the alert still fires (after the repeat interval), not a change. */
  repeat: boolean;
  /**
   * False when the notifier's filters leave this change out: it is acknowledged without being
   * delivered, so every node still learns the subject's state and the key chain stays whole.
   */
  deliver: boolean;
  /** The subject as observed when the change was queued. */
  alert: ObservedAlert;
  /** When it was queued (Unix ms). */
  createdAtMs: number;
  attempts: number;
  /** Not before this (Unix ms): the backoff after a failed attempt. */
  nextAttemptAtMs: number;
  lastError?: string;
}

/** The last acknowledged state of a subject, as every node learns it from the sender. */
export interface NotifiedState {
  state: AlertState;
  key: string;
  /** When this node learnt it (Unix ms): repeats are timed from here. */
  atMs: number;
}
