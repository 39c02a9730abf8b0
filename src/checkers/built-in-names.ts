/**
 * Built-in checks carry the original agent's probe names where it had one, so dashboards,
 * InfluxDB queries and alerts written for it keep matching (`checker` in /status, the `probe`
 * measurement, the timeline). Earlier Satellite releases named some of them differently; those
 * names stay accepted where a configuration names a built-in check: a configured check with a
 * former name replaces the built-in one. docs/checks.md has the table.
 */
export const FORMER_BUILT_IN_NAMES: Readonly<Record<string, string>> = Object.freeze({
  etcd: "etcd-healthz",
  "disk-latency": "io-check",
  "kernel-version": "kernel-check",
  "kernel-modules": "kernel-module",
  "port-conflicts": "port-checker",
  "sysctl-ip-forward": "ip-forward",
  "sysctl-bridge-nf-call-iptables": "br-netfilter",
  "sysctl-may-detach-mounts": "may-detach-mounts",
  "kube-node-conditions": "node-status",
  "kube-system-pods": "system-pods-checker",
});

/** The current built-in name for a former one; any other name as given. */
export function currentCheckName(name: string): string {
  return Object.hasOwn(FORMER_BUILT_IN_NAMES, name) ? (FORMER_BUILT_IN_NAMES[name] as string) : name;
}
