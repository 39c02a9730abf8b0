import { Database } from "bun:sqlite";
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { compareVersions, parseVersion, type KvVersion } from "../../src/kv/kv-version.ts";
import { waitFor } from "../support/processes.ts";
import { createTestNetwork, netnsUnavailableReason, type TestHost, type TestNetwork } from "../support/netns.ts";

/**
 * The replicated key-value store with three compiled agents, each in its own network namespace,
 * written through `satellite kv` run inside the hosts: acknowledged writes survive a kill -9
 * and a partition; the minority side's writes are refused; after the heal every agent's
 * kv.db holds every acknowledged write (hints and anti-entropy), read from the files directly.
 */
const BINARY = join(import.meta.dir, "../../dist/satellite");
const unavailable = netnsUnavailableReason() ?? (existsSync(BINARY) ? null : "dist/satellite is not built (npm test builds it)");
if (unavailable) console.warn(`SKIP test/netns/kv-store: ${unavailable}`);

describe.skipIf(unavailable !== null)("the key-value store on three agents in network namespaces", () => {
  let net: TestNetwork;
  let hosts: TestHost[];
  const work = mkdtempSync(join(tmpdir(), "satellite-kv-netns-"));
  const config = join(work, "satellite.yaml");
  writeFileSync(config, "defaultChecks: false\nkv:\n  antiEntropyInterval: 2s\n");
  const agents = new Map<string, { kill(signal?: NodeJS.Signals): void; exited: Promise<number> }>();
  const acked = new Map<string, { version: KvVersion; value: string }>();

  function start(host: TestHost): void {
    const argv = [BINARY, "agent", "--name", host.name, "--tags", host.index === 0 ? "role:master" : "role:node", "--gossip-addr", `${host.ip}:7946`, "--state-dir", join(work, host.name), "--config", config];
    if (host.index > 0) argv.push("--initial-cluster", `${hosts[0]?.ip}:7946`);
    agents.set(host.name, net.spawn(host, argv, { stdout: "ignore", stderr: "ignore", lifetimeMs: 170_000 }));
  }

  async function alive(host: TestHost): Promise<number> {
    const result = await net.exec(host, [BINARY, "members", "--json"], 5000);
    try {
      return (JSON.parse(result.stdout) as { members: { status: string }[] }).members.filter((m) => m.status === "alive").length;
    } catch {
      return 0;
    }
  }

  const reads = { total: 0, stale: 0 };

  /** `satellite kv put` inside the host; records the write when it was acknowledged, then reads it back through `readFrom` (a stale read is counted). */
  async function put(host: TestHost, key: string, value: string, readFrom?: TestHost): Promise<boolean> {
    const result = await net.exec(host, [BINARY, "kv", "put", key, value, "-o", "json"], 15_000);
    if (result.exitCode !== 0) return false;
    const version = parseVersion((JSON.parse(result.stdout) as { version: string }).version) as KvVersion;
    const before = acked.get(key);
    if (!before || compareVersions(version, before.version) > 0) acked.set(key, { version, value });
    if (readFrom) {
      const got = await net.exec(readFrom, [BINARY, "kv", "get", key], 15_000);
      reads.total++;
      if (got.exitCode !== 0 || got.stdout !== acked.get(key)?.value) reads.stale++;
    }
    return true;
  }

  /** Replicas on disk that are behind an acknowledged write (the agents keep kv.db open; WAL lets us read). */
  function replicasBehind(): string[] {
    const behind: string[] = [];
    for (const host of hosts) {
      const db = new Database(join(work, host.name, "kv.db"), { readonly: true });
      try {
        const row = db.query<{ ms: number; counter: number; node: string } | null, [string]>("SELECT ms, counter, node FROM kv WHERE key = ?");
        for (const [key, { version }] of acked) {
          const held = row.get(key);
          if (!held || compareVersions(held, version) < 0) behind.push(`${host.name}:${key}`);
        }
      } finally {
        db.close();
      }
    }
    return behind;
  }

  beforeAll(async () => {
    net = await createTestNetwork({ hosts: 3, prefix: "satkv", subnet: 37, maxLifetimeMs: 180_000 });
    hosts = [...net.hosts];
    for (const host of hosts) start(host);
    await waitFor(async () => (await Promise.all(hosts.map(alive))).every((n) => n === 3), 30_000, "three agents to see three alive members");
  }, 45_000);

  afterAll(async () => {
    await net?.destroy();
    rmSync(work, { recursive: true, force: true });
  });

  test("writes through a kill -9 and a partition; after the heal every replica holds every acknowledged write", async () => {
    const [h0, h1, h2] = hosts as [TestHost, TestHost, TestHost];
    for (let i = 0; i < 9; i++) expect(await put(hosts[i % 3] as TestHost, `app/k${i}`, `v${i}`, hosts[(i + 1) % 3])).toBe(true);
    const got = await net.exec(h2, [BINARY, "kv", "get", "app/k4"], 10_000);
    expect([got.exitCode, got.stdout]).toEqual([0, "v4"]);

    // kill -9 of h2: writes go on through the two others (2 of 3 replicas).
    agents.get(h2.name)?.kill("SIGKILL");
    await agents.get(h2.name)?.exited;
    for (let i = 0; i < 9; i++) expect(await put(i % 2 === 0 ? h0 : h1, `app/k${i}`, `after-kill-${i}`, i % 2 === 0 ? h1 : h0)).toBe(true);
    start(h2);
    await waitFor(async () => (await Promise.all(hosts.map(alive))).every((n) => n === 3), 40_000, "h2 back");

    // h0 alone against h1 and h2: the majority side's writes are acknowledged, h0's refused.
    await net.partition([h0], [h1, h2]);
    let minorityAcked = 0;
    for (let i = 0; i < 6; i++) {
      expect(await put(i % 2 === 0 ? h1 : h2, `app/k${i}`, `majority-${i}`, i % 2 === 0 ? h2 : h1)).toBe(true);
      if (await put(h0, `app/m${i}`, `minority-${i}`)) minorityAcked++;
    }
    expect(minorityAcked).toBe(0);
    await net.heal();

    console.log(`kv netns: ${acked.size} keys acknowledged, ${minorityAcked} minority writes acknowledged, stale reads ${reads.stale} of ${reads.total}`);
    await waitFor(async () => replicasBehind().length === 0, 60_000, "every replica to hold every acknowledged write");
    for (const host of hosts) {
      const list = await net.exec(host, [BINARY, "kv", "list", "app/", "-o", "json"], 10_000);
      const entries = (JSON.parse(list.stdout) as { entries: { key: string; value: string }[] }).entries;
      for (const [key, { value }] of acked) expect(entries.find((e) => e.key === key)?.value).toBe(value);
    }
  }, 150_000);
});
