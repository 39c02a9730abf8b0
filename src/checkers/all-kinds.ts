import { diskSpaceKind } from "./disk-space.ts";
import { diskLatencyKind } from "./disk-latency.ts";
import { httpKind } from "./http.ts";
import { tcpKind } from "./tcp.ts";
import { sysctlKind } from "./sysctl.ts";
import { dockerKind } from "./docker.ts";
import { dockerRegistryKind } from "./docker-registry.ts";
import { containerdKind } from "./containerd.ts";
import { etcdHealthzKind } from "./etcd-healthz.ts";
import { kubeletKind } from "./kubelet.ts";
import { kubeApiserverKind } from "./kube-apiserver.ts";
import { kubeSchedulerKind } from "./kube-scheduler.ts";
import { kubeControllerManagerKind } from "./kube-controller-manager.ts";
import { scriptKind } from "./script.ts";
import { systemdKind } from "./systemd.ts";
import { kernelModulesKind } from "./kernel-modules.ts";
import { kernelVersionKind } from "./kernel-version.ts";
import { bootConfigKind } from "./boot-config.ts";
import { portConflictsKind } from "./port-conflicts.ts";
import { processConflictsKind } from "./process-conflicts.ts";
import { inotifyKind } from "./inotify.ts";
import { fileNrKind } from "./file-nr.ts";
import { cgroupMountsKind } from "./cgroup-mounts.ts";
import { dnsKind } from "./dns.ts";
import { hostMetricsKind } from "./host-metrics.ts";
import { evaluatedKind } from "./evaluated.ts";
import { kubeNodeConditionsKind } from "./kube-node-conditions.ts";
import { kubeSystemPodsKind } from "./kube-system-pods.ts";
import { kubeNodesReadyKind } from "./kube-nodes-ready.ts";
import { kubeCriticalPodsKind } from "./kube-critical-pods.ts";
import { kubeCanaryKind } from "./kube-canary.ts";
import { peerLatencyKind } from "./peer-latency.ts";
import { timeDriftKind } from "./time-drift.ts";
import { overlayKind } from "./overlay.ts";
import type { CheckerKind } from "../probes/checker.ts";
import { type CheckerDeps, systemCheckerDeps } from "./deps.ts";

/**
 * Every kind of check, loaded at import and built over `deps`, in the registry's order: for the
 * library (`builtInCheckerKinds`), tests and benches. The agent and the CLI load kinds on demand
 * through kind-catalog.ts instead; test/checkers/registry.test.ts keeps this list equal to the registry's.
 */
export function createCheckerKinds(deps: CheckerDeps): readonly CheckerKind<any>[] {
  return [
    diskSpaceKind(deps),
    diskLatencyKind(deps),
    httpKind(deps),
    tcpKind(deps),
    sysctlKind(deps),
    dockerKind(deps),
    dockerRegistryKind(deps),
    containerdKind(deps),
    etcdHealthzKind(deps),
    kubeletKind(deps),
    kubeApiserverKind(deps),
    kubeSchedulerKind(deps),
    kubeControllerManagerKind(deps),
    scriptKind(deps),
    systemdKind(deps),
    kernelModulesKind(deps),
    kernelVersionKind(deps),
    bootConfigKind(deps),
    portConflictsKind(deps),
    processConflictsKind(deps),
    inotifyKind(deps),
    fileNrKind(deps),
    cgroupMountsKind(deps),
    dnsKind(deps),
    hostMetricsKind(deps),
    evaluatedKind(deps),
    kubeNodeConditionsKind(deps),
    kubeSystemPodsKind(deps),
    kubeNodesReadyKind(deps),
    kubeCriticalPodsKind(deps),
    kubeCanaryKind(deps),
    peerLatencyKind(),
    timeDriftKind(),
    overlayKind(deps),
  ];
}

/** Every kind of check, over the real host. */
export const checkerKinds: readonly CheckerKind<any>[] = createCheckerKinds(systemCheckerDeps);

export function findCheckerKind(kind: string, kinds: readonly CheckerKind<any>[] = checkerKinds): CheckerKind<any> | undefined {
  return kinds.find((k) => k.kind === kind);
}
