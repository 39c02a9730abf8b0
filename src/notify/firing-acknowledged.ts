import { changeOf, isProblem, type ObservedAlert } from "./alert-state.ts";
import type { Notification, NotifiedState } from "./notification.ts";
import { subjectId } from "./notification-keys.ts";
import type { ChangeFilter } from "./notifier-filter.ts";

/**
 * The alerts observed firing whose firing the cluster acknowledged and the notifier's filters
 * deliver, as repeats under their acknowledged keys: what the sender re-posts so that
 * Alertmanager does not resolve an alert that still fires.
 */
export function firingAcknowledged(observed: ReadonlyMap<string, ObservedAlert>, notified: ReadonlyMap<string, NotifiedState>, accepts: ChangeFilter): Notification[] {
  const out: Notification[] = [];
  for (const alert of observed.values()) {
    if (!isProblem(alert.state)) continue;
    const id = subjectId(alert.subject);
    const acknowledged = notified.get(id);
    if (acknowledged?.state !== alert.state) continue;
    const change = changeOf(alert.kind, alert.state);
    if (!accepts(change, alert)) continue;
    out.push({ key: acknowledged.key, previousKey: "", subjectId: id, change, previousState: "running", repeat: true, deliver: true, alert, createdAtMs: 0, attempts: 0, nextAttemptAtMs: 0 });
  }
  return out;
}
