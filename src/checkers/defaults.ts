import { type KubeEnvironment, kubeconfigSource } from "../kube/kubeconfig-files.ts";
import type { HostProbe } from "../platform/host-probe.ts";
import type { CheckSpec } from "../probes/check-spec.ts";
import type { CheckerSettings } from "../probes/checker.ts";
import { CONTAINERD_SOCKET } from "./_containerd-socket.ts";

export interface DefaultChecksInput {
  role: "master" | "node";
  /** Where the components are configured to be (kubeletAddr, dockerAddr, etcdServers, kubeconfig) and the state dir. */
  settings: CheckerSettings;
  probeHost: HostProbe;
  /** Where KUBECONFIG is read (the process environment unless given), as the Kubernetes client reads it. */
  env?: KubeEnvironment;
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

/** Processes (as /proc/<pid>/comm, 15 characters at most) that may hold the cluster's ports. */
export const CLUSTER_PROCESSES = ["kubelet", "kube-apiserver", "kube-scheduler", "kube-controller", "kube-proxy", "etcd", "coredns", "satellite", "dockerd", "containerd", "systemd-resolve"];

/** Modules and kernel options a Kubernetes node's networking and overlay storage need. */
export const KUBE_KERNEL_MODULES = ["br_netfilter|bridge", "overlay", "ip_tables|iptable_filter|nf_tables", "nf_conntrack|nf_conntrack_ipv4"];
export const KUBE_BOOT_CONFIG = ["CONFIG_OVERLAY_FS", "CONFIG_BRIDGE", "CONFIG_NETFILTER", "CONFIG_NF_CONNTRACK", "CONFIG_CGROUPS", "CONFIG_NAMESPACES"];

const LOOPBACK = /^(https?:\/\/)?(127\.|localhost|\[::1\])/;

/** What is installed here, learned once through the injected probe. */
interface HostFacts {
  kubelet: string | undefined;
  docker: string | undefined;
  containerd: string | undefined;
  systemd: string | undefined;
  kubeconfig: string | undefined;
  resolvConf: boolean;
  etcd: string | undefined;
  controlPlane: Record<"kube-apiserver" | "kube-scheduler" | "kube-controller-manager", string | undefined>;
}

/** Each fact is either where the component was found (for logs) or undefined with `why` saying what was looked at. */
async function learn(input: DefaultChecksInput, why: Map<string, string>): Promise<HostFacts> {
  const { probeHost: host, settings } = input;
  const firstFound = async (key: string, candidates: { path?: string; command?: string }[], reason: string): Promise<string | undefined> => {
    for (const c of candidates) {
      if (c.command) {
        const found = await host.which(c.command);
        if (found) return found;
      }
      if (c.path && (await host.exists(c.path))) return c.path;
    }
    why.set(key, reason);
    return undefined;
  };

  const { kubeletAddr, dockerAddr } = settings;
  const kubelet = !LOOPBACK.test(kubeletAddr) ? kubeletAddr
    : await firstFound("kubelet", [{ command: "kubelet" }, { path: "/var/lib/kubelet" }], "kubelet is not installed (no kubelet on PATH, no /var/lib/kubelet)");

  const socketPath = dockerAddr.startsWith("unix://") ? dockerAddr.slice("unix://".length) : dockerAddr.startsWith("/") ? dockerAddr : undefined;
  const docker = socketPath === undefined ? dockerAddr : await firstFound("docker", [{ path: socketPath }], `no Docker API socket at ${socketPath}`);

  const containerd = await firstFound("containerd", [{ path: CONTAINERD_SOCKET }], `no containerd socket at ${CONTAINERD_SOCKET}`);

  const systemd = (await host.exists("/run/systemd/system")) ? await firstFound("systemd", [{ command: "systemctl" }], "systemctl is not on PATH") : undefined;
  if (!systemd && !why.has("systemd")) why.set("systemd", "systemd is not the init system (no /run/systemd/system)");

  // The same choice the Kubernetes client makes: --kubeconfig, else KUBECONFIG's files, else in-cluster.
  const source = kubeconfigSource(settings.kubeconfig, input.env ?? process.env);
  let kubeconfig: string | undefined;
  if (source.kind === "files") {
    for (const path of source.paths) if (!kubeconfig && (await host.exists(path))) kubeconfig = path;
    if (!kubeconfig) why.set("kube", source.paths.length === 1 && settings.kubeconfig ? `kubeconfig ${settings.kubeconfig} does not exist` : `none of the files in ${source.from} exists`);
  } else {
    kubeconfig = await firstFound("kube", [{ path: "/var/run/secrets/kubernetes.io/serviceaccount/token" }], "no kubeconfig (--kubeconfig and KUBECONFIG not set, not running in a pod)");
  }

  const remoteEtcd = settings.etcdServers.find((s) => !LOOPBACK.test(s));
  const etcd = remoteEtcd ?? (await firstFound("etcd", [{ command: "etcd" }, { path: "/var/lib/etcd" }], "no etcd here (etcd not on PATH, no /var/lib/etcd) and no remote --etcd-servers"));

  const controlPlane = {} as HostFacts["controlPlane"];
  for (const name of ["kube-apiserver", "kube-scheduler", "kube-controller-manager"] as const) {
    controlPlane[name] = await firstFound(
      name,
      [{ command: name }, { path: `/etc/kubernetes/manifests/${name}.yaml` }],
      `${name} is not installed (not on PATH, no static pod manifest /etc/kubernetes/manifests/${name}.yaml)`,
    );
  }
  const resolvConf = await host.exists("/etc/resolv.conf");
  if (!resolvConf) why.set("dns", "no /etc/resolv.conf");
  return { kubelet, docker, containerd, systemd, kubeconfig, resolvConf, etcd, controlPlane };
}

/**
 * The built-in checks for a node of `role`, named as the original agent named its probes where
 * it had one (built-in-names.ts lists the former Satellite names). A check whose component is absent here (no Docker
 * socket, no kubeconfig, systemd not running...) is left out and listed in `skipped` with why.
 * Masters get the node set plus etcd, the control-plane components and the cluster-wide API checks.
 */
export async function defaultChecks(input: DefaultChecksInput): Promise<DefaultChecks> {
  const why = new Map<string, string>();
  const facts = await learn(input, why);
  const checks: CheckSpec[] = [];
  const skipped: SkippedCheck[] = [];
  const add = (present: unknown, spec: CheckSpec, reasonKey: string): void => {
    if (present) checks.push(spec);
    else skipped.push({ name: spec.name, kind: spec.kind, reason: why.get(reasonKey) ?? `${reasonKey} is not present` });
  };
  const kubeNode = facts.kubelet ?? facts.kubeconfig;
  if (!kubeNode) why.set("kubernetes", `not a Kubernetes node: ${why.get("kubelet")}`);
  const runtime = facts.docker ?? facts.containerd ?? facts.kubelet;
  if (!runtime) why.set("runtime", `no container runtime: ${why.get("docker")}; ${why.get("containerd")}; ${why.get("kubelet")}`);

  // Every node.
  checks.push({ name: "disk-space", kind: "disk-space", path: input.settings.stateDir });
  checks.push({ name: "io-check", kind: "disk-latency", path: input.settings.stateDir, intervalMs: 60_000 });
  checks.push({ name: "kernel-check", kind: "kernel-version", minimum: "3.10.0", intervalMs: 300_000 });
  checks.push({ name: "inotify", kind: "inotify", path: input.settings.stateDir });
  checks.push({ name: "file-nr", kind: "file-nr" });
  checks.push({
    name: "host-metrics",
    kind: "host-metrics",
    diskPath: input.settings.stateDir,
    warningIf: "memory.usedPercent > 90 || load.perCpu1 > 4",
    criticalIf: "memory.usedPercent > 97",
  });
  // A foreign listener is a warning: it breaks the next component start, not the running cluster.
  checks.push({ name: "port-checker", kind: "port-conflicts", allowedProcesses: CLUSTER_PROCESSES, intervalMs: 60_000, severity: "warning" });
  // Measured from gossip traffic: latency/loss and clock drift to every peer.
  checks.push({ name: "latency", kind: "latency", severity: "warning" });
  checks.push({ name: "time-drift", kind: "time-drift" });
  add(facts.resolvConf, { name: "dns", kind: "dns" }, "dns");
  add(facts.systemd, { name: "systemd", kind: "systemd" }, "systemd");
  add(facts.docker, { name: "docker", kind: "docker" }, "docker");
  add(facts.containerd, { name: "containerd", kind: "containerd" }, "containerd");
  add(runtime, { name: "cgroup-mounts", kind: "cgroup-mounts" }, "runtime");

  // Kubernetes nodes.
  add(facts.kubelet, { name: "kubelet", kind: "kubelet" }, "kubelet");
  add(kubeNode, { name: "ip-forward", kind: "sysctl", parameter: "net.ipv4.ip_forward" }, "kubernetes");
  add(kubeNode, { name: "br-netfilter", kind: "sysctl", parameter: "net.bridge.bridge-nf-call-iptables" }, "kubernetes");
  add(kubeNode, { name: "may-detach-mounts", kind: "sysctl", parameter: "fs.may_detach_mounts" }, "kubernetes");
  add(kubeNode, { name: "kernel-module", kind: "kernel-modules", modules: KUBE_KERNEL_MODULES, intervalMs: 300_000 }, "kubernetes");
  add(kubeNode, { name: "boot-config", kind: "boot-config", options: KUBE_BOOT_CONFIG, intervalMs: 300_000 }, "kubernetes");
  add(facts.kubeconfig, { name: "node-status", kind: "kube-node-conditions" }, "kube");

  if (input.role === "master") {
    add(facts.etcd, { name: "etcd-healthz", kind: "etcd-healthz" }, "etcd");
    add(facts.controlPlane["kube-apiserver"], { name: "kube-apiserver", kind: "kube-apiserver" }, "kube-apiserver");
    add(facts.controlPlane["kube-scheduler"], { name: "kube-scheduler", kind: "kube-scheduler" }, "kube-scheduler");
    add(facts.controlPlane["kube-controller-manager"], { name: "kube-controller-manager", kind: "kube-controller-manager" }, "kube-controller-manager");
    add(facts.kubeconfig, { name: "system-pods-checker", kind: "kube-system-pods", intervalMs: 30_000 }, "kube");
    // Cluster-wide, so on masters only: every node asking would multiply the API server's load.
    add(facts.kubeconfig, { name: "nodes-status", kind: "kube-nodes-ready", intervalMs: 30_000 }, "kube");
    add(facts.kubeconfig, { name: "critical-pods", kind: "kube-critical-pods", intervalMs: 30_000 }, "kube");
    add(facts.kubeconfig, { name: "kube-canary", kind: "kube-canary", intervalMs: 300_000, timeoutMs: 120_000 }, "kube");
  }
  return { checks: checks.map(dropUndefined), skipped };
}

function dropUndefined(spec: CheckSpec): CheckSpec {
  return Object.fromEntries(Object.entries(spec).filter(([, v]) => v !== undefined)) as CheckSpec;
}
