import { describe, expect, test } from "bun:test";
import { currentCheckName, FORMER_BUILT_IN_NAMES } from "../../src/checkers/built-in-names.ts";
import { defaultChecks } from "../../src/checkers/defaults.ts";
import { findCheckerKind } from "../../src/checkers/all-kinds.ts";
import { COMMON_CHECK_KEYS } from "../../src/probes/check-spec.ts";
import { createFakeHostProbe, createSystemHostProbe } from "../../src/platform/host-probe.ts";
import { testSettings } from "./_helpers.ts";

const stateDir = "/var/lib/satellite";

/** A full Kubernetes master: binaries, sockets, manifests and a kubeconfig. */
const MASTER_HOST = createFakeHostProbe(
  [
    "/var/run/docker.sock",
    "/run/containerd/containerd.sock",
    "/run/systemd/system",
    "/etc/resolv.conf",
    "/etc/kubernetes/admin.conf",
    "/var/lib/kubelet",
    "/var/lib/etcd",
    "/etc/kubernetes/manifests/kube-apiserver.yaml",
    "/etc/kubernetes/manifests/kube-scheduler.yaml",
    "/etc/kubernetes/manifests/kube-controller-manager.yaml",
  ],
  { systemctl: "/usr/bin/systemctl", kubelet: "/usr/bin/kubelet" },
);
const AGENT = { kubeconfig: "/etc/kubernetes/admin.conf", dockerAddr: "/var/run/docker.sock", etcdServers: ["https://127.0.0.1:2379"] };

function expectValidForTheirKinds(checks: { name: string; kind: string }[]): void {
  for (const spec of checks) {
    const options = Object.fromEntries(Object.entries(spec).filter(([k]) => !(COMMON_CHECK_KEYS as readonly string[]).includes(k)));
    const kind = findCheckerKind(spec.kind);
    expect(kind, `kind ${spec.kind}`).toBeDefined();
    const parsed = kind?.options().safeParse(options);
    expect(parsed?.success, `${spec.name}: ${JSON.stringify(parsed?.error?.issues)}`).toBe(true);
  }
  expect(new Set(checks.map((c) => c.name)).size).toBe(checks.length);
}

describe("defaultChecks", () => {
  test("bare host (nothing installed): host checks only; every component check skipped with its reason", async () => {
    const { checks, skipped } = await defaultChecks({ role: "node", settings: testSettings(stateDir), probeHost: createFakeHostProbe([]) });
    expect(checks.map((c) => c.name)).toEqual(["disk-space", "io-check", "kernel-check", "inotify", "file-nr", "host-metrics", "port-checker", "latency", "time-drift"]);
    expect(checks[0]).toMatchObject({ kind: "disk-space", path: stateDir });
    const reasons = Object.fromEntries(skipped.map((s) => [s.name, s.reason]));
    expect(reasons.docker).toBe("no Docker API socket at /var/run/docker.sock");
    expect(reasons.systemd).toBe("systemd is not the init system (no /run/systemd/system)");
    expect(reasons.kubelet).toBe("kubelet is not installed (no kubelet on PATH, no /var/lib/kubelet)");
    expect(reasons["node-status"]).toBe("no kubeconfig (--kubeconfig and KUBECONFIG not set, not running in a pod)");
    expect(reasons["ip-forward"]).toStartWith("not a Kubernetes node: kubelet is not installed");
    expect(reasons.dns).toBe("no /etc/resolv.conf");
    expect(skipped.map((s) => s.name)).not.toContain("etcd-healthz");
    expectValidForTheirKinds(checks);
  });

  test("Kubernetes worker: node set, no control-plane or cluster-wide checks", async () => {
    const { checks, skipped } = await defaultChecks({ role: "node", settings: testSettings(stateDir, AGENT), probeHost: MASTER_HOST });
    const names = checks.map((c) => c.name);
    for (const n of ["kubelet", "docker", "systemd", "dns", "cgroup-mounts", "ip-forward", "br-netfilter", "may-detach-mounts", "kernel-module", "boot-config", "node-status"]) {
      expect(names).toContain(n);
    }
    for (const n of ["etcd-healthz", "kube-apiserver", "kube-scheduler", "kube-controller-manager", "system-pods-checker", "kube-canary"]) expect(names).not.toContain(n);
    expect(skipped).toEqual([]);
    expectValidForTheirKinds(checks);
  });

  test("master: node set plus etcd, control plane, system pods and the canary", async () => {
    const { checks, skipped } = await defaultChecks({ role: "master", settings: testSettings(stateDir, AGENT), probeHost: MASTER_HOST });
    const names = checks.map((c) => c.name);
    for (const n of ["etcd-healthz", "kube-apiserver", "kube-scheduler", "kube-controller-manager", "system-pods-checker", "kube-canary", "kubelet", "docker"]) expect(names).toContain(n);
    expect(checks.find((c) => c.name === "etcd-healthz")?.kind).toBe("etcd-healthz");
    expect(skipped).toEqual([]);
    expectValidForTheirKinds(checks);
  });

  test("cluster-wide checks (nodes-status, critical-pods) run on masters with a kubeconfig, never on workers", async () => {
    const master = await defaultChecks({ role: "master", settings: testSettings(stateDir, AGENT), probeHost: MASTER_HOST, env: {} });
    expect(master.checks.filter((c) => c.name === "nodes-status" || c.name === "critical-pods").map((c) => [c.name, c.kind])).toEqual([
      ["nodes-status", "kube-nodes-ready"],
      ["critical-pods", "kube-critical-pods"],
    ]);
    const worker = await defaultChecks({ role: "node", settings: testSettings(stateDir, AGENT), probeHost: MASTER_HOST, env: {} });
    expect(worker.checks.map((c) => c.name)).not.toContain("nodes-status");
    expect(worker.checks.map((c) => c.name)).not.toContain("critical-pods");
  });

  test("without --kubeconfig, the files in KUBECONFIG enable the Kubernetes checks, as they do for kubectl", async () => {
    const host = createFakeHostProbe(["/home/op/.kube/config"]);
    const found = await defaultChecks({ role: "master", settings: testSettings(stateDir), probeHost: host, env: { KUBECONFIG: "/missing:/home/op/.kube/config" } });
    expect(found.checks.map((c) => c.name)).toContain("node-status");
    expect(found.checks.map((c) => c.name)).toContain("nodes-status");
    const none = await defaultChecks({ role: "master", settings: testSettings(stateDir), probeHost: host, env: { KUBECONFIG: "/a:/b" } });
    expect(none.skipped.find((s) => s.name === "node-status")?.reason).toBe("none of the files in KUBECONFIG=/a:/b exists");
  });

  test("master without etcd or control-plane components here: those are skipped, with reasons", async () => {
    const host = createFakeHostProbe(["/etc/resolv.conf", "/var/lib/kubelet", "/etc/kubernetes/admin.conf"]);
    const { skipped } = await defaultChecks({ role: "master", settings: testSettings(stateDir, AGENT), probeHost: host });
    const reasons = Object.fromEntries(skipped.map((s) => [s.name, s.reason]));
    expect(reasons["etcd-healthz"]).toBe("no etcd here (etcd not on PATH, no /var/lib/etcd) and no remote --etcd-servers");
    expect(reasons["kube-scheduler"]).toBe("kube-scheduler is not installed (not on PATH, no static pod manifest /etc/kubernetes/manifests/kube-scheduler.yaml)");
    expect(reasons["system-pods-checker"]).toBeUndefined();
  });

  test("remote etcd servers enable the etcd check without a local etcd; a missing kubeconfig file is named", async () => {
    const host = createFakeHostProbe([]);
    const { checks, skipped } = await defaultChecks({ role: "master", settings: testSettings(stateDir, { etcdServers: ["https://10.0.0.5:2379"], kubeconfig: "/nope/kubeconfig" }), probeHost: host });
    expect(checks.map((c) => c.name)).toContain("etcd-healthz");
    expect(skipped.find((s) => s.name === "kube-canary")?.reason).toBe("kubeconfig /nope/kubeconfig does not exist");
  });

  test("built-in checks carry the original agent's probe names; every former name maps to a built-in of the same kind", async () => {
    const { checks } = await defaultChecks({ role: "master", settings: testSettings(stateDir, AGENT), probeHost: MASTER_HOST });
    const kindOf = new Map(checks.map((c) => [c.name, c.kind]));
    // The original's names (gravitational/satellite monitoring/*.go).
    for (const name of ["etcd-healthz", "io-check", "kernel-check", "kernel-module", "port-checker", "ip-forward", "br-netfilter", "may-detach-mounts", "node-status", "system-pods-checker", "disk-space", "inotify", "file-nr", "latency", "time-drift", "dns", "systemd", "docker", "cgroup-mounts", "kubelet", "boot-config", "kube-scheduler", "kube-controller-manager"]) {
      expect(kindOf.has(name), name).toBe(true);
    }
    const formerKinds: Record<string, string> = { etcd: "etcd-healthz", "disk-latency": "disk-latency", "kernel-version": "kernel-version", "kernel-modules": "kernel-modules", "port-conflicts": "port-conflicts", "sysctl-ip-forward": "sysctl", "sysctl-bridge-nf-call-iptables": "sysctl", "sysctl-may-detach-mounts": "sysctl", "kube-node-conditions": "kube-node-conditions", "kube-system-pods": "kube-system-pods" };
    expect(Object.keys(FORMER_BUILT_IN_NAMES).sort()).toEqual(Object.keys(formerKinds).sort());
    for (const [former, current] of Object.entries(FORMER_BUILT_IN_NAMES)) {
      expect(kindOf.get(current), `${former} -> ${current}`).toBe(formerKinds[former]);
      expect(kindOf.has(former), former).toBe(false);
      expect(currentCheckName(former)).toBe(current);
    }
    expect(currentCheckName("my-check")).toBe("my-check");
    expect(currentCheckName("__proto__")).toBe("__proto__");
  });

  test("docker over TCP needs no socket file", async () => {
    const { checks } = await defaultChecks({ role: "node", settings: testSettings(stateDir, { dockerAddr: "tcp://10.0.0.9:2375" }), probeHost: createFakeHostProbe([]) });
    expect(checks.map((c) => c.name)).toContain("docker");
  });

  test("this machine through the real host probe: every default is valid for its kind", async () => {
    const { checks, skipped } = await defaultChecks({ role: "master", settings: testSettings("/tmp"), probeHost: createSystemHostProbe() });
    expectValidForTheirKinds(checks);
    expect(checks.length + skipped.length).toBeGreaterThan(15);
  });
});
