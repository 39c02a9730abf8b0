import { describe, expect, test } from "bun:test";
import type { ObservedAlert } from "../../src/notify/alert-state.ts";
import type { NotifiedState } from "../../src/notify/notification.ts";
import { notificationKey, subjectId } from "../../src/notify/notification-keys.ts";
import { planNotifications, type PlanInput } from "../../src/notify/plan-notifications.ts";

const probe = (state: ObservedAlert["state"], node = "n1"): ObservedAlert => ({ subject: `probe/${node}/app`, kind: "probe", state, node, checker: "app", severity: "critical", sinceMs: 0 });
const plan = (observed: ObservedAlert[], notified: [string, NotifiedState][] = [], extra: Partial<PlanInput> = {}) =>
  planNotifications({ notifier: "hook", observed: new Map(observed.map((a) => [a.subject, a])), notified: new Map(notified), queued: [], nowMs: 1_000_000, repeatIntervalMs: 3_600_000, accepts: () => true, include: "all", ...extra });

describe("planNotifications", () => {
  test("a subject never notified counts as running: a failure is due, a running one is not", () => {
    expect(plan([probe("running")])).toEqual([]);
    const [n] = plan([probe("failed")]);
    expect(n).toMatchObject({ change: "ProbeFailed", previousState: "running", previousKey: "", repeat: false, deliver: true });
    expect(n?.key).toBe(notificationKey("hook", "probe/n1/app", "failed", false, ""));
  });

  test("the key chains on the acknowledged key: two nodes with the same acknowledgment plan the same key", () => {
    const acked: [string, NotifiedState] = [subjectId("probe/n1/app"), { state: "failed", key: "a".repeat(20), atMs: 999_000 }];
    const [a] = plan([probe("running")], [acked]);
    const [b] = plan([probe("running")], [acked], { nowMs: 5 });
    expect(a).toMatchObject({ change: "ProbeSucceeded", previousKey: "a".repeat(20) });
    expect(a?.key).toBe(b?.key as string);
    expect(a?.key).not.toBe(plan([probe("running")], [[acked[0], { ...acked[1], key: "b".repeat(20) }]])[0]?.key as string);
  });

  test("a subject whose state was acknowledged is not due again until the repeat interval passed (as a reminder)", () => {
    const acked: [string, NotifiedState] = [subjectId("probe/n1/app"), { state: "failed", key: "a".repeat(20), atMs: 1_000_000 }];
    expect(plan([probe("failed")], [acked])).toEqual([]);
    const [reminder] = plan([probe("failed")], [acked], { nowMs: 1_000_000 + 3_600_000 });
    expect(reminder).toMatchObject({ repeat: true, change: "ProbeFailed", previousKey: "a".repeat(20) });
    expect(reminder?.key).not.toBe(notificationKey("hook", "probe/n1/app", "failed", false, "a".repeat(20)));
    expect(plan([probe("failed")], [acked], { nowMs: 1_000_000 + 3_600_000, include: "repeats" })).toHaveLength(1);
    expect(plan([probe("failed", "n2")], [], { include: "repeats" })).toEqual([]);
  });

  test("what is queued already is the base: no second notification for it, the next change chains on it", () => {
    const [queued] = plan([probe("failed")]);
    expect(plan([probe("failed")], [], { queued: [queued!] })).toEqual([]);
    const [next] = plan([probe("running")], [], { queued: [queued!] });
    expect(next).toMatchObject({ change: "ProbeSucceeded", previousKey: queued?.key });
  });

  test("a change the filters leave out is planned undelivered (acknowledged without a send)", () => {
    expect(plan([probe("failed")], [], { accepts: () => false })[0]?.deliver).toBe(false);
  });

  test("a node first seen after it left is no news", () => {
    const left: ObservedAlert = { subject: "node/n3", kind: "node", state: "left", node: "n3", severity: "critical", sinceMs: 0 };
    expect(plan([left])).toEqual([]);
    expect(plan([left], [[subjectId("node/n3"), { state: "running", key: "c".repeat(20), atMs: 0 }]])[0]?.change).toBe("NodeLeft");
  });
});
