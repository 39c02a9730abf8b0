import { describe, expect, test } from "bun:test";
import { readClusterStatus, WINDOWS_MAX } from "../../src/ui/app/status-model.ts";

const marker = { id: "0123456789abcdef", until: "2026-12-01T21:00:00.000000000Z", reason: "kernel upgrade", author: "m1" };
const UNTIL_MS = Date.UTC(2026, 11, 1, 21, 0, 0);

describe("maintenance in the dashboard's status model", () => {
  test("the markers of a muted node and a muted probe, and the cluster's windows, are read", () => {
    const model = readClusterStatus({
      status: "running",
      nodes: [
        { name: "n1", status: "degraded", member_status: { status: "failed" }, maintenance: marker },
        { name: "n2", status: "degraded", probes: [{ checker: "docker", status: "failed", maintenance: { ...marker, id: "1111111111111111" } }, { checker: "ntp", status: "running" }] },
      ],
      maintenance: [{ ...marker, node: "n1", started_at: "2026-12-01T20:00:00Z" }, { ...marker, id: "1111111111111111", check: "docker" }],
    });
    expect(model.nodes[0]?.maintenance).toEqual({ id: "0123456789abcdef", untilMs: UNTIL_MS, reason: "kernel upgrade", author: "m1" });
    expect(model.nodes[0]?.status).toBe("degraded");
    expect(model.nodes[1]?.maintenance).toBeUndefined();
    expect(model.nodes[1]?.probes[0]?.maintenance?.id).toBe("1111111111111111");
    expect(model.nodes[1]?.probes[1]?.maintenance).toBeUndefined();
    expect(model.maintenance.map((w) => [w.node, w.check, w.untilMs])).toEqual([["n1", undefined, UNTIL_MS], [undefined, "docker", UNTIL_MS]]);
  });

  test("malformed markers and windows are left out, and the windows are bounded", () => {
    const model = readClusterStatus({
      nodes: [{ name: "n1", maintenance: { id: "x", until: "not a time" } }, { name: "n2", maintenance: "yes" }],
      maintenance: [{ id: "0123456789abcdef", until: marker.until }, ...Array.from({ length: WINDOWS_MAX + 10 }, () => ({ ...marker, node: "n1" }))],
    });
    expect(model.nodes.map((n) => n.maintenance)).toEqual([undefined, undefined]);
    // The first names neither a node nor a check; then the list stops at the bound.
    expect(model.maintenance).toHaveLength(WINDOWS_MAX - 1);
  });
});
