import { afterAll } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { systemCheckerDeps } from "../../src/checkers/deps.ts";
import { createCheckerKinds } from "../../src/checkers/all-kinds.ts";
import { type ContractCase, runCheckerContract } from "./checker-contract.ts";

const stateDir = mkdtempSync(join(tmpdir(), "satellite-contract-"));
afterAll(() => rmSync(stateDir, { recursive: true, force: true }));

// A kubeconfig whose API server is a closed loopback port.
const kubeconfigAt9 = join(stateDir, "kubeconfig");
writeFileSync(
  kubeconfigAt9,
  "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: https://127.0.0.1:9\n    insecure-skip-tls-verify: true\nusers:\n- name: u\n  user:\n    token: t\ncontexts:\n- name: x\n  context:\n    cluster: c\n    user: u\ncurrent-context: x\n",
);

// Port 9 on loopback (discard) is closed on this host; the contract only needs "nothing answers".
const cases: Record<string, ContractCase> = {
  "disk-space": { unreachable: { path: "/nonexistent/satellite-contract" } },
  "disk-latency": { unreachable: { path: "/nonexistent/satellite-contract", iterations: 2 } },
  http: { unreachable: { url: "http://127.0.0.1:9/healthz" } },
  tcp: { unreachable: { address: "127.0.0.1:9" } },
  sysctl: { unreachable: { parameter: "net.satellite.absent" } },
  docker: { unreachable: {}, settings: { dockerAddr: "/nonexistent/docker.sock" } },
  "docker-registry": { unreachable: { address: "http://127.0.0.1:9" } },
  containerd: { unreachable: { socket: "/nonexistent/containerd.sock" } },
  "etcd-healthz": { unreachable: {}, settings: { etcdServers: ["http://127.0.0.1:9", "https://127.0.0.1:9"] } },
  kubelet: { unreachable: {}, settings: { kubeletAddr: "http://127.0.0.1:9" } },
  "kube-apiserver": { unreachable: { url: "https://127.0.0.1:9/readyz" } },
  "kube-scheduler": { unreachable: { url: "https://127.0.0.1:9/healthz" } },
  "kube-controller-manager": { unreachable: { url: "https://127.0.0.1:9/healthz" } },
  script: { unreachable: { command: ["/nonexistent/check_contract"] } },
  systemd: { unreachable: {} },
  "kernel-modules": { unreachable: { modules: ["satellite_absent_module"] } },
  "kernel-version": { unreachable: { minimum: "999.0" } },
  "boot-config": { unreachable: { options: ["CONFIG_SATELLITE_ABSENT"] } },
  "port-conflicts": { unreachable: { ports: ["1-65535"] } },
  "process-conflicts": { unreachable: { processes: ["satellite-none"] } },
  inotify: { unreachable: { path: "/nonexistent/satellite" } },
  "file-nr": { unreachable: {} },
  "cgroup-mounts": { unreachable: { controllers: ["satellite_none"] } },
  dns: { unreachable: { nameservers: ["127.0.0.1:9", "[::1]:9"] } },
  "kube-node-conditions": { unreachable: {}, settings: { kubeconfig: kubeconfigAt9 } },
  "kube-system-pods": { unreachable: { kubeconfig: kubeconfigAt9 } },
  "kube-canary": { unreachable: { kubeconfig: kubeconfigAt9, pollIntervalMs: 10, readyTimeoutMs: 200 } },
  "kube-nodes-ready": { unreachable: { kubeconfig: kubeconfigAt9 } },
  "kube-critical-pods": { unreachable: { kubeconfig: kubeconfigAt9 } },
  "host-metrics": { unreachable: { diskPath: "/nonexistent/satellite", criticalIf: "disk.usedPercent > 99" } },
  // No agent collectors here: the check collects on its own; a mount point that is not there has no value.
  evaluated: { unreachable: { criticalIf: 'collector.diskusage["/nonexistent/satellite"].usedPercent > 99' } },
  // Gossip-fed: without gossip (no peers function) they have nothing to measure.
  latency: { unreachable: {} },
  "time-drift": { unreachable: {} },
  overlay: { unreachable: { url: "http://127.0.0.1:9/peers" } },
};

runCheckerContract({ kinds: createCheckerKinds, realDeps: systemCheckerDeps, cases, stateDir });
