import { afterAll, expect, test } from "bun:test";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type EtcdCluster, hasEtcd, startEtcdCluster } from "../kv/etcd-cluster.ts";
import { freePort, waitFor } from "../support/processes.ts";

/**
 * Two compiled agents with --kv-backend etcd on one real etcd: a value written through one is
 * read through the other, the other hears the change from its etcd watch on /events, and
 * /readyz names etcd while it is down and recovers when it is back.
 */
const BINARY = join(import.meta.dir, "../../dist/satellite");
const ready = existsSync(BINARY) && hasEtcd;
if (!ready) console.warn("SKIP agents on etcd: needs dist/satellite and etcd (npm test builds and installs them)");

const dir = mkdtempSync(join(tmpdir(), "satellite-kv-etcd-agents-"));
const agents: ReturnType<typeof Bun.spawn>[] = [];
let etcd: EtcdCluster | undefined;
afterAll(async () => {
  for (const agent of agents) agent.kill("SIGKILL");
  await Promise.all(agents.map((a) => a.exited));
  await etcd?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function startAgent(name: string, endpoints: string[]): Promise<string> {
  const [api, gossip] = [await freePort(), await freePort()];
  const config = join(dir, "satellite.yaml");
  writeFileSync(config, "defaultChecks: false\n");
  const argv = [BINARY, "agent", "--name", name, "--rpc-addr", `127.0.0.1:${api}`, "--gossip-addr", `127.0.0.1:${gossip}`, "--state-dir", join(dir, name), "--config", config];
  agents.push(Bun.spawn([...argv, "--kv-backend", "etcd", "--kv-etcd-endpoints", endpoints.join(","), "--kv-etcd-request-timeout", "1s"], { stdout: "ignore", stderr: "ignore" }));
  const base = `http://127.0.0.1:${api}`;
  await waitFor(async () => (await fetch(`${base}/readyz`)).ok, 20_000, `${name} ready`);
  return base;
}

/** Reads `base`/events until a KvChanged of `key` arrives (bounded); the text of that event. */
async function nextKvChange(base: string, key: string, write: () => Promise<unknown>): Promise<string> {
  const response = await fetch(`${base}/events`, { signal: AbortSignal.timeout(15_000) });
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let text = "";
  await write();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) throw new Error(`/events ended before KvChanged of ${key}: ${text.slice(-500)}`);
      text += decoder.decode(value);
      const event = text.split("\n\n").find((chunk) => chunk.includes('"KvChanged"') && chunk.includes(JSON.stringify(key)));
      if (event) return event;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}

test.skipIf(!ready)("two agents on one etcd: write through one, read and hear it through the other; /readyz follows etcd", async () => {
  etcd = await startEtcdCluster(1);
  const a = await startAgent("kv-a", etcd.endpoints);
  const b = await startAgent("kv-b", etcd.endpoints);

  let written: { version: string; acked: number; replicas: number } | undefined;
  const event = await nextKvChange(b, "app/config", async () => {
    const put = await fetch(`${a}/kv/app/config`, { method: "PUT", body: "port=80" });
    expect(put.status).toBe(200);
    written = (await put.json()) as typeof written;
  });
  expect(written).toMatchObject({ acked: 1, replicas: 1 });
  expect(event).toContain(`"version":"${written?.version}"`);
  const read = await fetch(`${b}/kv/app/config`);
  expect(await read.text()).toBe("port=80");
  expect(read.headers.get("x-satellite-kv-version")).toBe(written?.version ?? "");

  await etcd.stopMember(0);
  const refused = await fetch(`${b}/kv/app/config`);
  expect(refused.status).toBe(503);
  expect(await refused.text()).toContain(`etcd at ${etcd.endpoints[0]} refused the connection: is etcd running?`);
  await waitFor(async () => (await (await fetch(`${b}/readyz?verbose`)).text()).includes("[-]kv failed: "), 10_000, "kv-b's /readyz to name etcd");
  await etcd.startMember(0);
  await waitFor(async () => (await fetch(`${b}/kv/app/config`)).ok && (await fetch(`${b}/readyz`)).ok, 20_000, "kv-b ready again after etcd is back");
}, 90_000);
