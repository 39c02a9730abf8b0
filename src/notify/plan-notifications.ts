import { changeOf, INITIAL_STATE, isProblem, type ObservedAlert } from "./alert-state.ts";
import type { Notification, NotifiedState } from "./notification.ts";
import { notificationKey, subjectId } from "./notification-keys.ts";
import type { ChangeFilter } from "./notifier-filter.ts";

export interface PlanInput {
  notifier: string;
  observed: ReadonlyMap<string, ObservedAlert>;
  /** Acknowledged states by subject id. */
  notified: ReadonlyMap<string, NotifiedState>;
  /** What is already waiting in the outbox, oldest first. */
  queued: readonly Notification[];
  nowMs: number;
  repeatIntervalMs: number;
  accepts: ChangeFilter;
  /** `repeats`: only reminders (the periodic look); `all`: changes too (after the quiet period). */
  include: "all" | "repeats";
}

/**
 * The notifications due: for each observed subject whose state differs from the last one
 * queued or acknowledged (a subject never notified counts as running), one change; for each
 * subject still bad a repeat interval after it was acknowledged, one reminder. Pure: a node
 * that takes over computes from the acknowledged states exactly what the old sender had not
 * delivered, under the keys the old sender would have used.
 */
export function planNotifications(input: PlanInput): Notification[] {
  const lastQueued = new Map<string, Notification>();
  for (const n of input.queued) lastQueued.set(n.subjectId, n);
  const planned: Notification[] = [];
  for (const alert of input.observed.values()) {
    const id = subjectId(alert.subject);
    const queued = lastQueued.get(id);
    const notified = input.notified.get(id);
    const base = queued ? { state: queued.alert.state, key: queued.key } : (notified ?? { state: INITIAL_STATE, key: "" });
    let repeat = false;
    const changed = !(alert.state === base.state || (alert.state === "left" && !queued && !notified));
    if (changed && input.include === "repeats") continue;
    if (!changed) {
      const due = isProblem(alert.state) && !queued && notified !== undefined && input.nowMs - notified.atMs >= input.repeatIntervalMs;
      if (!due) continue;
      repeat = true;
    }
    const change = changeOf(alert.kind, alert.state);
    planned.push({
      key: notificationKey(input.notifier, alert.subject, alert.state, repeat, base.key),
      previousKey: base.key,
      subjectId: id,
      change,
      previousState: base.state,
      repeat,
      deliver: input.accepts(change, alert),
      alert,
      createdAtMs: input.nowMs,
      attempts: 0,
      nextAttemptAtMs: input.nowMs,
    });
  }
  return planned;
}
