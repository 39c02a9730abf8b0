import { describe, expect, test } from "bun:test";
import type { ClusterStatusJson } from "../../src/cluster/status-json.ts";
import { renderClusterSummary } from "../../src/cli/status-summary.ts";
import { terminalStyle } from "../../src/cli/terminal-style.ts";

const plain = terminalStyle({ isTerminal: false, env: {} });
const marker = { id: "0123456789abcdef", until: "2026-12-01T21:00:00.000000000Z", reason: "kernel upgrade", author: "m1" };

describe("satellite status under maintenance", () => {
  test("a muted node and a muted probe show their real state marked, and the windows are listed", () => {
    const status: ClusterStatusJson = {
      status: "running",
      timestamp: "2026-12-01T20:00:00.000000000Z",
      nodes: [
        { name: "m1", status: "running", member_status: { name: "m1", node_name: "m1", addr: "10.0.0.1:7946", status: "alive", tags: {} }, probes: [] },
        { name: "n1", status: "degraded", member_status: { name: "n1", node_name: "n1", addr: "10.0.0.2:7946", status: "failed", tags: {} }, maintenance: marker },
        { name: "n2", status: "degraded", probes: [{ checker: "docker", status: "failed", error: "daemon down", maintenance: { ...marker, id: "1111111111111111" } }] },
      ],
      maintenance: [
        { ...marker, node: "n1", started_at: "2026-12-01T20:00:00.000000000Z" },
        { ...marker, id: "1111111111111111", check: "docker", reason: "", started_at: "2026-12-01T20:00:00.000000000Z" },
      ],
    };
    const lines = renderClusterSummary(status, plain, false).split("\n");
    expect(lines[0]).toBe("Cluster running");
    expect(lines.find((l) => l.startsWith("n1"))).toMatch(/^n1 +degraded \(maintenance\) +failed/);
    expect(lines.find((l) => l.startsWith("n2"))).toMatch(/^n2 +degraded +-/);
    expect(lines).toContain("  node n1 until 2026-12-01T21:00:00Z by m1: kernel upgrade (0123456789abcdef)");
    expect(lines).toContain("  check docker everywhere until 2026-12-01T21:00:00Z by m1 (1111111111111111)");
    expect(lines.find((l) => l.includes("docker") && l.includes("daemon down"))).toMatch(/failed \(maintenance\)/);
  });
});
