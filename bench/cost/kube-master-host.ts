import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { makeTestPki } from "../../test/checkers/_certs.ts";
import { kubeconfigYaml, startFakeApiServer } from "../../test/kube/fake-apiserver.ts";
import { waitFor } from "../../test/support/processes.ts";

/**
 * What a Kubernetes master looks like to the default checks, on one machine: the components'
 * programs on PATH (stubs: the checks only look for them), their health endpoints on the
 * kubeadm ports, real etcd, podman's Docker API when podman is installed, and an API server
 * replaying recorded responses (test/kube/fake-apiserver.ts: no real API server runs here).
 */
export interface KubeMasterHost {
  /** Environment for the agent: PATH starts with the stubs. */
  env: Record<string, string>;
  /** Flags for `satellite agent` that point at this host's parts. */
  agentArgs: string[];
  /** What is not there, and why (a missing part leaves its check out). */
  notes: string[];
  stop(): Promise<void>;
}

const COMPONENTS = ["kubelet", "kube-apiserver", "kube-scheduler", "kube-controller-manager"];
/** kubeadm's health ports: the API server's /readyz, the scheduler's and controller manager's /healthz. */
const HTTPS_HEALTH_PORTS = [6443, 10259, 10257];
const KUBELET_HEALTH_PORT = 10248;
const ETCD_CLIENT_URL = "http://127.0.0.1:2379";

export async function startKubeMasterHost(dir: string): Promise<KubeMasterHost> {
  const stops: (() => void | Promise<void>)[] = [];
  const notes: string[] = [];
  const stop = async () => {
    for (const s of stops.reverse()) await s();
  };
  try {
    mkdirSync(dir, { recursive: true });
    const pki = makeTestPki(dir);
    const api = startFakeApiServer({ pki, auth: "token", token: "bench-token", pollsUntilScheduled: 0, pollsUntilRunning: 0 });
    stops.push(() => api.stop());
    const kubeconfig = join(dir, "kubeconfig");
    writeFileSync(kubeconfig, kubeconfigYaml(api.url, pki, { kind: "token", token: "bench-token" }), { mode: 0o600 });

    const stubs = join(dir, "bin");
    mkdirSync(stubs, { recursive: true });
    for (const name of COMPONENTS) {
      writeFileSync(join(stubs, name), "#!/bin/sh\nexit 0\n");
      chmodSync(join(stubs, name), 0o755);
    }

    const tls = { cert: readFileSync(pki.serverCertFile, "utf8"), key: readFileSync(pki.serverKeyFile, "utf8") };
    for (const port of [...HTTPS_HEALTH_PORTS, KUBELET_HEALTH_PORT]) {
      try {
        const server = Bun.serve({ hostname: "127.0.0.1", port, ...(port === KUBELET_HEALTH_PORT ? {} : { tls }), fetch: () => new Response("ok") });
        stops.push(() => server.stop(true));
      } catch (error) {
        throw new Error(`port ${port} on 127.0.0.1 is taken (${(error as Error).message}); stop what holds it (a real control plane?) before running this bench`);
      }
    }

    const etcdBinary = Bun.which("etcd");
    if (etcdBinary) {
      const etcd = Bun.spawn([etcdBinary, "--data-dir", join(dir, "etcd"), "--listen-client-urls", ETCD_CLIENT_URL, "--advertise-client-urls", ETCD_CLIENT_URL, "--listen-peer-urls", "http://127.0.0.1:2380"], { stdout: "ignore", stderr: "ignore" });
      stops.push(async () => {
        etcd.kill();
        await etcd.exited;
      });
      await waitFor(async () => (await fetch(`${ETCD_CLIENT_URL}/health`)).ok, 20_000, "etcd's /health");
    } else {
      notes.push("etcd is not installed (scripts/install-test-deps.sh installs it): no etcd-healthz check");
    }

    const dockerArgs: string[] = [];
    const podman = Bun.which("podman");
    if (podman) {
      const socket = join(dir, "podman.sock");
      const service = Bun.spawn([podman, "system", "service", "--time=0", `unix://${socket}`], { stdout: "ignore", stderr: "ignore" });
      stops.push(async () => {
        service.kill();
        await service.exited;
      });
      await waitFor(() => existsSync(socket), 20_000, "podman's Docker API socket");
      dockerArgs.push("--docker-addr", `unix://${socket}`);
    } else {
      notes.push("podman is not installed: no docker check");
    }

    const env: Record<string, string> = { ...(process.env as Record<string, string>), PATH: `${stubs}:${process.env.PATH ?? "/usr/bin:/bin"}` };
    delete env.KUBECONFIG;
    return { env, agentArgs: ["--kubeconfig", kubeconfig, ...dockerArgs], notes, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
