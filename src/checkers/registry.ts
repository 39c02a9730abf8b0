import type { CheckerKind } from "../probes/checker.ts";
import type { CheckerDeps } from "./deps.ts";

/**
 * A kind of check as the registry lists it: its name and description, and its code, loaded on
 * first use. `load` must reach the kind's module only through import(): the build gives each
 * module a chunk of its own, so an agent evaluates and keeps only the kinds it runs
 * (test/architecture/lazy-checker-kinds.test.ts guards it).
 */
export interface CheckerKindEntry {
  readonly kind: string;
  /** Must equal the loaded kind's description (test/checkers/registry.test.ts compares them). */
  readonly description: string;
  readonly load: () => Promise<(deps: CheckerDeps) => CheckerKind<any>>;
}

/** Every kind of check, listed explicitly: a config `kind` not here is a config error. */
export const CHECKER_KIND_TABLE: readonly CheckerKindEntry[] = [
  {
    kind: "disk-space",
    description: "Filesystem usage of a path: warning above the low watermark, critical above the high one",
    load: () => import("./disk-space.ts").then((m) => m.diskSpaceKind),
  },
  {
    kind: "disk-latency",
    description: "Write + fsync latency (p99) of a small file in a directory, against warning/critical limits",
    load: () => import("./disk-latency.ts").then((m) => m.diskLatencyKind),
  },
  {
    kind: "http",
    description: "HTTP(S) request: status in a range, optional body substring, optional CA/client certificates",
    load: () => import("./http.ts").then((m) => m.httpKind),
  },
  {
    kind: "tcp",
    description: "A TCP connection to host:port can be opened",
    load: () => import("./tcp.ts").then((m) => m.tcpKind),
  },
  {
    kind: "sysctl",
    description: "A kernel parameter under /proc/sys has the expected value (absent is skipped unless failIfAbsent)",
    load: () => import("./sysctl.ts").then((m) => m.sysctlKind),
  },
  {
    kind: "docker",
    description: "Docker (or podman) API answers /_ping and /version over its socket (agent setting dockerAddr)",
    load: () => import("./docker.ts").then((m) => m.dockerKind),
  },
  {
    kind: "docker-registry",
    description: "A Docker registry answers GET <address>/v2/ (200, or 401 when it wants credentials)",
    load: () => import("./docker-registry.ts").then((m) => m.dockerRegistryKind),
  },
  {
    kind: "containerd",
    description: "containerd's socket accepts connections and the daemon answers its version (ctr version, when ctr is installed)",
    load: () => import("./containerd.ts").then((m) => m.containerdKind),
  },
  {
    kind: "etcd-healthz",
    description: "Every etcd endpoint (agent setting etcdServers) answers /health with health true, optionally over client TLS",
    load: () => import("./etcd-healthz.ts").then((m) => m.etcdHealthzKind),
  },
  {
    kind: "kubelet",
    description: "kubelet /healthz (agent setting kubeletAddr) answers ok",
    load: () => import("./kubelet.ts").then((m) => m.kubeletKind),
  },
  {
    kind: "kube-apiserver",
    description: "kube-apiserver /readyz (default https://127.0.0.1:6443/readyz, certificate not verified) answers ok",
    load: () => import("./kube-apiserver.ts").then((m) => m.kubeApiserverKind),
  },
  {
    kind: "kube-scheduler",
    description: "kube-scheduler /healthz (default https://127.0.0.1:10259, certificate not verified) answers ok",
    load: () => import("./kube-scheduler.ts").then((m) => m.kubeSchedulerKind),
  },
  {
    kind: "kube-controller-manager",
    description: "kube-controller-manager /healthz (default https://127.0.0.1:10257, certificate not verified) answers ok",
    load: () => import("./kube-controller-manager.ts").then((m) => m.kubeControllerManagerKind),
  },
  {
    kind: "script",
    description: "Nagios-plugin script: exit 0/1/2/3 -> running/warning/critical/unknown, perfdata as metrics",
    load: () => import("./script.ts").then((m) => m.scriptKind),
  },
  {
    kind: "systemd",
    description: "systemd units: one failed probe per unit in failed or load-error state",
    load: () => import("./systemd.ts").then((m) => m.systemdKind),
  },
  {
    kind: "kernel-modules",
    description: "Required kernel modules are loaded or built in (/proc/modules, modules.builtin, /sys/module)",
    load: () => import("./kernel-modules.ts").then((m) => m.kernelModulesKind),
  },
  {
    kind: "kernel-version",
    description: "The running kernel (/proc/sys/kernel/osrelease) is at least a minimum version",
    load: () => import("./kernel-version.ts").then((m) => m.kernelVersionKind),
  },
  {
    kind: "boot-config",
    description: "Kernel build options (/boot/config-<release> or /proc/config.gz) are y or m",
    load: () => import("./boot-config.ts").then((m) => m.bootConfigKind),
  },
  {
    kind: "port-conflicts",
    description: "No foreign process listens on the cluster's ports (/proc/net/{tcp,tcp6,udp,udp6})",
    load: () => import("./port-conflicts.ts").then((m) => m.portConflictsKind),
  },
  {
    kind: "process-conflicts",
    description: "None of the listed programs runs on the host (/proc/<pid>/comm)",
    load: () => import("./process-conflicts.ts").then((m) => m.processConflictsKind),
  },
  {
    kind: "inotify",
    description: "A new inotify instance can be created (kubelet and containers need them)",
    load: () => import("./inotify.ts").then((m) => m.inotifyKind),
  },
  {
    kind: "file-nr",
    description: "System-wide open file handles (/proc/sys/fs/file-nr) against fs.file-max",
    load: () => import("./file-nr.ts").then((m) => m.fileNrKind),
  },
  {
    kind: "cgroup-mounts",
    description: "cgroup controllers are mounted (/proc/mounts; v1 hierarchies or v2 at /sys/fs/cgroup)",
    load: () => import("./cgroup-mounts.ts").then((m) => m.cgroupMountsKind),
  },
  {
    kind: "dns",
    description: "Each nameserver (resolv.conf by default) answers A and NS questions over UDP",
    load: () => import("./dns.ts").then((m) => m.dnsKind),
  },
  {
    kind: "host-metrics",
    description: "CPU, memory, load, disk and network from /proc, with warningIf/criticalIf threshold rules",
    load: () => import("./host-metrics.ts").then((m) => m.hostMetricsKind),
  },
  {
    kind: "evaluated",
    description: "warningIf/criticalIf expressions over collected host values (cpu, memory, disks, interfaces, ports...) with named thresholds and output templates, as kunai's checks",
    load: () => import("./evaluated.ts").then((m) => m.evaluatedKind),
  },
  {
    kind: "kube-node-conditions",
    description: "This node's Kubernetes conditions: Ready and no pressure (critical), node-problem-detector conditions (warning)",
    load: () => import("./kube-node-conditions.ts").then((m) => m.kubeNodeConditionsKind),
  },
  {
    kind: "kube-system-pods",
    description: "Pods in kube-system are not Failed, crash-looping, failing image pulls or exiting non-zero (warning)",
    load: () => import("./kube-system-pods.ts").then((m) => m.kubeSystemPodsKind),
  },
  {
    kind: "kube-nodes-ready",
    description: "At least minReady nodes (and minReadyPercent of them) are Ready, cluster-wide",
    load: () => import("./kube-nodes-ready.ts").then((m) => m.kubeNodesReadyKind),
  },
  {
    kind: "kube-critical-pods",
    description: "Pods selected by a label (gravitational.io/critical-pod) across namespaces are not failing (warning)",
    load: () => import("./kube-critical-pods.ts").then((m) => m.kubeCriticalPodsKind),
  },
  {
    kind: "kube-canary",
    description: "Creates a small Deployment of pause pods, times scheduling and start, deletes it (khealth canary)",
    load: () => import("./kube-canary.ts").then((m) => m.kubeCanaryKind),
  },
  {
    kind: "latency",
    description: "Round-trip time (p95) and packet loss to every peer, from gossip probes",
    load: () => import("./peer-latency.ts").then((m) => m.peerLatencyKind),
  },
  {
    kind: "time-drift",
    description: "Clock offset to every peer, from the time in their gossip acks, corrected by RTT/2",
    load: () => import("./time-drift.ts").then((m) => m.timeDriftKind),
  },
  {
    kind: "overlay",
    description: "Pod network: nethealth's UDP echo loss per peer; fails a peer it cannot reach while gossip on the host network can",
    load: () => import("./overlay.ts").then((m) => m.overlayKind),
  },
];
