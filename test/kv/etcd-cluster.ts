import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readFileSync } from "node:fs";
import type { TestPki } from "../checkers/_certs.ts";
import { type RunningProcess, canConnect, freePort, startProcess, waitFor } from "../checkers/_processes.ts";

/**
 * Real etcd members for tests: one or a cluster of several on loopback, each on free ports in
 * a temporary data directory. `stopMember` and `startMember` kill and restart one member on
 * the same ports and data (a crash and a restart); `stop` kills all and removes the data.
 */

export const hasEtcd = Bun.which("etcd") !== null;

interface Member {
  name: string;
  clientPort: number;
  peerPort: number;
  proc: RunningProcess | undefined;
}

export interface EtcdCluster {
  /** Client URLs, one per member. */
  endpoints: string[];
  stopMember(index: number): Promise<void>;
  startMember(index: number): Promise<void>;
  stop(): Promise<void>;
}

/** `tls`: clients speak HTTPS and must show a certificate the test CA signed. */
export async function startEtcdCluster(size = 1, extraArgs: string[] = [], tls?: TestPki): Promise<EtcdCluster> {
  const scheme = tls ? "https" : "http";
  const clientTls = tls ? { ca: readFileSync(tls.caFile, "utf8"), cert: readFileSync(tls.clientCertFile, "utf8"), key: readFileSync(tls.clientKeyFile, "utf8") } : undefined;
  const dir = mkdtempSync(join(tmpdir(), "satellite-kv-etcd-"));
  const members: Member[] = Array.from({ length: size }, (_, i) => ({ name: `m${i}`, clientPort: freePort(), peerPort: freePort(), proc: undefined }));
  const initialCluster = members.map((m) => `${m.name}=http://127.0.0.1:${m.peerPort}`).join(",");
  const launch = (m: Member): void => {
    const clientUrl = `${scheme}://127.0.0.1:${m.clientPort}`;
    const peerUrl = `http://127.0.0.1:${m.peerPort}`;
    m.proc = startProcess([
      "etcd", "--name", m.name, "--data-dir", join(dir, m.name),
      "--listen-client-urls", clientUrl, "--advertise-client-urls", clientUrl,
      "--listen-peer-urls", peerUrl, "--initial-advertise-peer-urls", peerUrl,
      "--initial-cluster", initialCluster, "--initial-cluster-state", "new",
      "--log-level", "error", ...extraArgs,
      ...(tls ? ["--cert-file", tls.serverCertFile, "--key-file", tls.serverKeyFile, "--trusted-ca-file", tls.caFile, "--client-cert-auth"] : []),
    ]);
  };
  const ready = async (m: Member): Promise<void> => {
    await waitFor(`etcd ${m.name} on ${m.clientPort}: ${m.proc?.output() ?? ""}`, () => canConnect(m.clientPort), 20_000);
    // Listening comes before the cluster has a leader; a linearizable read needs one.
    await waitFor(`etcd ${m.name} serving reads: ${m.proc?.output() ?? ""}`, async () => {
      try {
        const response = await fetch(`${scheme}://127.0.0.1:${m.clientPort}/v3/kv/range`, { method: "POST", body: JSON.stringify({ key: "AA==" }), signal: AbortSignal.timeout(1000), tls: clientTls });
        return response.ok;
      } catch {
        return false;
      }
    }, 20_000);
  };
  members.forEach(launch);
  try {
    await Promise.all(members.map(ready));
  } catch (error) {
    await Promise.all(members.map((m) => m.proc?.stop()));
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    endpoints: members.map((m) => `${scheme}://127.0.0.1:${m.clientPort}`),
    async stopMember(index) {
      await members[index]?.proc?.stop();
    },
    async startMember(index) {
      const m = members[index];
      if (!m) throw new Error(`no etcd member ${index}`);
      launch(m);
      await ready(m);
    },
    async stop() {
      await Promise.all(members.map((m) => m.proc?.stop()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
