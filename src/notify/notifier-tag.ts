import type { NotifierConfig } from "../config/notifiers-schema.ts";
import { notifierId, settingsHash } from "./notification-keys.ts";

/**
 * The gossip tag that says which notifiers a node runs: for each, 4 hex digits of its name
 * and 4 of its settings, concatenated (`sat-notify=1a2b9f0e77c1d2e3`). It rides in serf's
 * 512-byte node meta with the operator's tags and the health digest, so it is small: 8 bytes
 * per notifier, at most 8 notifiers. Nodes choose each notifier's sender among the members
 * that advertise its name; a settings part that differs from ours is shown in /readyz.
 */
export const NOTIFIER_TAG = "sat-notify";

export interface AdvertisedNotifier {
  /** 4 hex digits of the name. */
  name: string;
  /** 4 hex digits of the settings. */
  settings: string;
}

/** The name part: the first 4 hex digits of the notifier's id. */
export function advertisedName(name: string): string {
  return notifierId(name).slice(0, 4);
}

/** The tag for this node's notifiers; none when it has none. */
export function notifierTags(notifiers: readonly NotifierConfig[]): Record<string, string> {
  if (notifiers.length === 0) return {};
  return { [NOTIFIER_TAG]: notifiers.map((n) => `${advertisedName(n.name)}${settingsHash(n)}`).join("") };
}

const TAG_VALUE = /^(?:[0-9a-f]{8}){1,16}$/;

/** The notifiers a member advertises; a malformed tag (it comes from the network) advertises none. */
export function decodeNotifierTag(tags: Readonly<Record<string, string>>): AdvertisedNotifier[] {
  const value = tags[NOTIFIER_TAG];
  if (value === undefined || !TAG_VALUE.test(value)) return [];
  const out: AdvertisedNotifier[] = [];
  for (let at = 0; at < value.length; at += 8) out.push({ name: value.slice(at, at + 4), settings: value.slice(at + 4, at + 8) });
  return out;
}
