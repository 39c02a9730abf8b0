import { describe, expect, test } from "bun:test";
import type { Severity } from "../../src/events/health-state.ts";
import { CONDITION_MESSAGE_CHARS_MAX, conditionPatch, desiredCondition, nextCondition, readCondition } from "../../src/kube-writeback/node-condition.ts";
import { kubeTime } from "../../src/kube-writeback/kube-time.ts";

describe("the SatelliteDegraded condition from the failing probes", () => {
  test.each([
    ["nothing failing", [], { status: "False", reason: "Healthy", message: "all probes passing" }],
    ["one critical", [["docker", "critical"]], { status: "True", reason: "ProbesFailing", message: "failing probes: docker" }],
    [
      "critical ones sorted, warnings named apart",
      [["kubelet", "critical"], ["latency", "warning"], ["docker", "critical"]],
      { status: "True", reason: "ProbesFailing", message: "failing probes: docker, kubelet; warnings: latency" },
    ],
    ["warnings only: not degraded, but named", [["latency", "warning"]], { status: "False", reason: "Healthy", message: "no critical probe failing; warnings: latency" }],
  ] as const)("%s", (_name, failing, expected) => {
    expect(desiredCondition(new Map(failing as unknown as [string, Severity][]))).toEqual(expected as never);
  });

  test("more than ten names are counted, and the message is bounded", () => {
    const many = new Map(Array.from({ length: 12 }, (_, i) => [`probe-${String(i).padStart(2, "0")}`, "critical" as Severity]));
    expect(desiredCondition(many).message).toBe(`failing probes: ${Array.from({ length: 10 }, (_, i) => `probe-${String(i).padStart(2, "0")}`).join(", ")} and 2 more`);
    const long = new Map([[`x${"y".repeat(3000)}`, "critical" as Severity]]);
    expect(desiredCondition(long).message.length).toBe(CONDITION_MESSAGE_CHARS_MAX);
  });
});

describe("times", () => {
  const healthy = { status: "False", reason: "Healthy", message: "all probes passing" } as const;
  const failing = { status: "True", reason: "ProbesFailing", message: "failing probes: docker" } as const;

  test("lastTransitionTime moves only when the status changes", () => {
    const first = nextCondition(failing, undefined, "2026-01-01T00:00:00Z");
    expect(first.lastTransitionTime).toBe("2026-01-01T00:00:00Z");
    const sameStatus = nextCondition({ ...failing, message: "failing probes: docker, kubelet" }, first, "2026-01-01T00:05:00Z");
    expect(sameStatus.lastTransitionTime).toBe("2026-01-01T00:00:00Z");
    expect(nextCondition(healthy, sameStatus, "2026-01-01T00:07:00Z").lastTransitionTime).toBe("2026-01-01T00:07:00Z");
  });

  test("Kubernetes times are RFC 3339 in whole seconds, UTC", () => {
    expect(kubeTime(Date.UTC(2026, 10, 22, 0, 46, 12, 987))).toBe("2026-11-22T00:46:12Z");
  });

  test("the patch is a strategic merge of status.conditions holding only our condition", () => {
    const patch = conditionPatch(nextCondition(failing, undefined, "2026-01-01T00:00:00Z"), "2026-01-01T00:00:30Z");
    expect(JSON.parse(JSON.stringify(patch))).toEqual({
      status: {
        conditions: [
          { type: "SatelliteDegraded", status: "True", reason: "ProbesFailing", message: "failing probes: docker", lastHeartbeatTime: "2026-01-01T00:00:30Z", lastTransitionTime: "2026-01-01T00:00:00Z" },
        ],
      },
    });
  });
});

describe("reading the condition back from a Node", () => {
  test("ours is recognised; another type, an Unknown status or a foreign reason counts as absent", () => {
    const ours = { type: "SatelliteDegraded", status: "True", reason: "ProbesFailing", message: "failing probes: docker", lastTransitionTime: "2026-01-01T00:00:00Z" };
    expect(readCondition([{ type: "Ready", status: "True" }, ours] as never)).toEqual({ status: "True", reason: "ProbesFailing", message: "failing probes: docker", lastTransitionTime: "2026-01-01T00:00:00Z" });
    expect(readCondition([{ type: "Ready", status: "True" }] as never)).toBeUndefined();
    expect(readCondition([{ ...ours, status: "Unknown" }] as never)).toBeUndefined();
    expect(readCondition([{ ...ours, reason: "SomethingElse" }] as never)).toBeUndefined();
    expect(readCondition(undefined)).toBeUndefined();
    expect(readCondition("garbage" as never)).toBeUndefined();
    expect(readCondition([null, 7, ours] as never)?.status).toBe("True");
  });
});
