import { describe, expect, test } from "bun:test";
import type { ObservedAlert } from "../../src/notify/alert-state.ts";
import { changeFilter } from "../../src/notify/notifier-filter.ts";

const alert = (over: Partial<ObservedAlert> = {}): ObservedAlert => ({ subject: "probe/n1/app", kind: "probe", state: "failed", node: "n1", severity: "warning", nodeTags: { role: "master", zone: "a" }, sinceMs: 0, ...over });
const filter = (events: string[] = [], severities: ("critical" | "warning")[] = [], nodes: Record<string, string> = {}) => changeFilter({ events, severities, nodes } as never);

describe("changeFilter", () => {
  test.each([
    ["no filters: everything", filter(), "ProbeSucceeded", alert(), true],
    ["a kind takes its changes", filter(["probe"]), "ProbeSucceeded", alert(), true],
    ["another kind does not", filter(["node"]), "ProbeFailed", alert(), false],
    ["a type takes only that change", filter(["ProbeFailed"]), "ProbeSucceeded", alert(), false],
    ["severities", filter([], ["critical"]), "ProbeFailed", alert(), false],
    ["node tags must all match", filter([], [], { role: "master", zone: "b" }), "ProbeFailed", alert(), false],
    ["node tags that match", filter([], [], { role: "master" }), "ProbeFailed", alert(), true],
    ["the cluster's alert passes a node filter", filter([], [], { role: "master" }), "ClusterDegraded", alert({ subject: "cluster", kind: "cluster", node: undefined, nodeTags: undefined }), true],
  ] as const)("%s", (_name, f, change, a, expected) => {
    expect(f(change, a)).toBe(expected);
  });
});
