import { describe, expect, test } from "bun:test";
import type { ElectionMember } from "../../src/notify/cluster-snapshot.ts";
import { advertisedName, decodeNotifierTag, NOTIFIER_TAG, notifierTags } from "../../src/notify/notifier-tag.ts";
import { electSender } from "../../src/notify/sender-election.ts";
import { settingsHash } from "../../src/notify/notification-keys.ts";
import { notifierSchema, type NotifierConfig } from "../../src/config/notifiers-schema.ts";

const hook = notifierSchema().parse({ name: "ops-hook", kind: "webhook", url: "http://h/x" }) as Extract<NotifierConfig, { kind: "webhook" }>;
const tag = notifierTags([hook])[NOTIFIER_TAG] as string;
const member = (name: string, over: Partial<ElectionMember> & { sat?: string; notify?: string } = {}): ElectionMember => ({
  name,
  status: over.status ?? "alive",
  tags: { role: "node", sat: over.sat ?? "r", ...(over.notify === "" ? {} : { [NOTIFIER_TAG]: over.notify ?? tag }) },
});
const elect = (members: ElectionMember[]) => electSender(members, advertisedName("ops-hook"), settingsHash(hook));

describe("electSender", () => {
  test("the first alive member by name among those that advertise the notifier and reported a status", () => {
    expect(elect([member("c"), member("b"), member("a")]).sender).toBe("a");
    expect(elect([member("c"), member("b"), member("a", { status: "failed" })])).toMatchObject({ sender: "b", candidates: ["b", "c"] });
    expect(elect([member("c"), member("a", { sat: "u" })]).sender).toBe("c");
    expect(elect([member("c"), member("a", { notify: "" })]).sender).toBe("c");
    expect(elect([member("a", { status: "leaving" }), member("a2", { status: "left" })]).sender).toBeUndefined();
  });

  test("a member advertising other settings is still a candidate and is named as mismatched", () => {
    const other = `${tag.slice(0, 4)}ffff`;
    expect(elect([member("a"), member("b", { notify: other })])).toMatchObject({ sender: "a", candidates: ["a", "b"], mismatched: [{ node: "b", settings: "ffff" }] });
  });

  test("the tag is 8 hex digits per notifier; a malformed one advertises nothing", () => {
    expect(tag).toMatch(/^[0-9a-f]{8}$/);
    expect(decodeNotifierTag({ [NOTIFIER_TAG]: `${tag}0011aabb` })).toHaveLength(2);
    for (const bad of ["", "xyz", `${tag}0`, "A".repeat(8), "0".repeat(8 * 17)]) expect(decodeNotifierTag({ [NOTIFIER_TAG]: bad })).toEqual([]);
    // Settings differ when a setting differs, not when only a secret's value does.
    expect(settingsHash({ ...hook, url: "http://h/y" })).not.toBe(settingsHash(hook));
    expect(settingsHash({ ...hook, secret: "one" })).toBe(settingsHash({ ...hook, secret: "two" }));
  });
});
