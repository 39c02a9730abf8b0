import type { HostProbe } from "../platform/host-probe.ts";
import type { CheckSpec } from "../probes/check-spec.ts";

export interface DefaultChecksInput {
  role: "master" | "node";
  /** The agent's parsed configuration (camelCase keys: kubeconfig, dockerAddr, etcdServers...). */
  agent: Record<string, unknown>;
  stateDir: string;
  probeHost: HostProbe;
}

export interface SkippedCheck {
  name: string;
  kind: string;
  reason: string;
}

export interface DefaultChecks {
  checks: CheckSpec[];
  skipped: SkippedCheck[];
}

/** The built-in checks for a node of `role`, leaving out (and listing) those whose component is absent. */
export async function defaultChecks(input: DefaultChecksInput): Promise<DefaultChecks> {
  const checks: CheckSpec[] = [
    { name: "disk-space", kind: "disk-space", path: input.stateDir },
    { name: "disk-latency", kind: "disk-latency", path: input.stateDir },
  ];
  return { checks, skipped: [] };
}
