import { NOTIFIABLE_KINDS, type NotifiableChange, type NotifierConfig } from "../config/notifiers-schema.ts";
import { kindOfChange, type ObservedAlert } from "./alert-state.ts";

/** Which changes a notifier delivers: `events:` (kinds or change types), `severities:`, `nodes:` (tags). */
export type ChangeFilter = (change: NotifiableChange, alert: ObservedAlert) => boolean;

export function changeFilter(config: Pick<NotifierConfig, "events" | "severities" | "nodes">): ChangeFilter {
  const kinds = new Set<string>(config.events.filter((e) => (NOTIFIABLE_KINDS as readonly string[]).includes(e)));
  const types = new Set<string>(config.events.filter((e) => !kinds.has(e)));
  const severities = new Set<string>(config.severities);
  const tagPairs = Object.entries(config.nodes);
  return (change, alert) => {
    if (config.events.length > 0 && !types.has(change) && !kinds.has(kindOfChange(change))) return false;
    if (severities.size > 0 && !severities.has(alert.severity)) return false;
    // The cluster's alert belongs to no node: a node filter does not hold it back.
    if (tagPairs.length > 0 && alert.node !== undefined) {
      const tags = alert.nodeTags ?? {};
      if (!tagPairs.every(([key, value]) => Object.hasOwn(tags, key) && tags[key] === value)) return false;
    }
    return true;
  };
}
