import type { NodeStatus, Probe } from "../events/health-state.ts";

/** A node is degraded when any probe failed with a severity other than warning. */
export function nodeStatusOf(probes: readonly Probe[]): NodeStatus {
  return probes.some((p) => p.status === "failed" && p.severity !== "warning") ? "degraded" : "running";
}
