import { describe, expect, test } from "bun:test";
import type { ObservedAlert } from "../../src/notify/alert-state.ts";
import { firingAcknowledged } from "../../src/notify/firing-acknowledged.ts";
import type { NotifiedState } from "../../src/notify/notification.ts";
import { subjectId } from "../../src/notify/notification-keys.ts";

const probe = (node: string, state: ObservedAlert["state"], severity: ObservedAlert["severity"] = "critical"): ObservedAlert => ({
  subject: `probe/${node}/app`,
  kind: "probe",
  state,
  node,
  checker: "app",
  severity,
  sinceMs: 0,
});
const acked = (node: string, state: NotifiedState["state"], key: string): [string, NotifiedState] => [subjectId(`probe/${node}/app`), { state, key, atMs: 0 }];

describe("firingAcknowledged (what Alertmanager is reminded of)", () => {
  test("only alerts firing here whose firing was acknowledged and that the filters deliver, under the acknowledged key", () => {
    const observed = new Map(
      [probe("acked", "failed"), probe("unacked", "failed"), probe("recovered", "running"), probe("ackedRunning", "failed"), probe("filtered", "failed", "warning")].map((a) => [a.subject, a]),
    );
    const notified = new Map([acked("acked", "failed", "a".repeat(20)), acked("recovered", "failed", "b".repeat(20)), acked("ackedRunning", "running", "c".repeat(20)), acked("filtered", "failed", "d".repeat(20))]);
    const firing = firingAcknowledged(observed, notified, (_, alert) => alert.severity === "critical");
    expect(firing.map((n) => [n.alert.node, n.key, n.change, n.repeat, n.deliver])).toEqual([["acked", "a".repeat(20), "ProbeFailed", true, true]]);
  });
});
