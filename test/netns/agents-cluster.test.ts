import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { waitFor } from "../support/processes.ts";
import { createTestNetwork, netnsUnavailableReason, type TestHost, type TestNetwork } from "../support/netns.ts";

/**
 * Five compiled agents, each on its own host (a network namespace on a bridge), talking over
 * real UDP/TCP; iptables cuts links and drops packets. Each agent's API is on its host's
 * loopback, read with the CLI run inside that host, as an operator would.
 */
const BINARY = join(import.meta.dir, "../../dist/satellite");
const unavailable = netnsUnavailableReason() ?? (existsSync(BINARY) ? null : "dist/satellite is not built (npm test builds it)");
if (unavailable) console.warn(`SKIP test/netns/agents-cluster: ${unavailable}`);

interface StatusJson {
  status: string;
  summary?: string;
  nodes?: { name: string; member_status?: { status: string } }[];
}

describe.skipIf(unavailable !== null)("five agents in network namespaces", () => {
  let net: TestNetwork;
  let hosts: TestHost[];
  const work = mkdtempSync(join(tmpdir(), "satellite-netns-"));
  // Only a check whose result this test controls: the built-in set depends on the host.
  const config = join(work, "satellite.yaml");
  writeFileSync(config, `defaultChecks: false\nchecks:\n  - {name: disk, kind: disk-space, path: "${work}"}\n`);
  const agents = new Map<string, { kill(signal?: NodeJS.Signals): void; exited: Promise<number> }>();

  function start(host: TestHost, join: boolean): void {
    const role = host.index === 0 ? "role:master" : "role:node";
    const argv = [BINARY, "agent", "--name", host.name, "--tags", role, "--gossip-addr", `${host.ip}:7946`, "--state-dir", join_(work, host.name), "--config", config];
    if (join && host.index > 0) argv.push("--initial-cluster", `${hosts[0]!.ip}:7946`);
    agents.set(host.name, net.spawn(host, argv, { stdout: "ignore", stderr: "ignore", lifetimeMs: 170_000 }));
  }
  const join_ = join;

  async function status(host: TestHost): Promise<StatusJson | undefined> {
    const result = await net.exec(host, [BINARY, "status"], 5_000);
    try {
      return JSON.parse(result.stdout) as StatusJson;
    } catch {
      return undefined;
    }
  }

  /** Waits (bounded) until `accept` holds for every `on` host's /status; the error shows what they said last. */
  async function eventually(on: readonly TestHost[], accept: (s: StatusJson) => boolean, limitMs: number, what: string): Promise<void> {
    let last: (StatusJson | undefined)[] = [];
    try {
      await waitFor(async () => {
        last = await Promise.all(on.map(status));
        return last.every((s) => s !== undefined && accept(s));
      }, limitMs, what);
    } catch (error) {
      throw new Error(`${(error as Error).message}; last: ${JSON.stringify(last.map((s) => [s?.status, s?.summary]))}`);
    }
  }

  const aliveCount = (s: StatusJson) => (s.nodes ?? []).filter((n) => n.member_status?.status === "alive").length;

  beforeAll(async () => {
    net = await createTestNetwork({ hosts: 5, prefix: "satagents", maxLifetimeMs: 180_000 });
    hosts = [...net.hosts];
    for (const host of hosts) start(host, true);
    await eventually(hosts, (s) => s.status === "running" && aliveCount(s) === 5, 30_000, "all five agents to see five alive members, running");
  }, 45_000);

  afterAll(async () => {
    await net?.destroy();
    rmSync(work, { recursive: true, force: true });
  });

  test("cutting the master off: the other side says degraded and names it; after the heal, running again", async () => {
    const [master, ...others] = hosts as [TestHost, ...TestHost[]];
    await net.partition([master], others);
    await eventually(others, (s) => s.status === "degraded" && s.summary === `master node unavailable; failed nodes: ${master.name}`, 30_000, "the majority to report the master unreachable");
    await eventually([master], (s) => s.status === "degraded" && /^failed nodes: /.test(s.summary ?? ""), 30_000, "the master to report the others failed");
    await net.heal();
    // Failed members are retried every 30 s (serf's reconnect interval), so healing takes up to that.
    await eventually(hosts, (s) => s.status === "running" && aliveCount(s) === 5, 60_000, "running again after the heal");
  }, 130_000);

  test("10 % random packet loss on every host: nobody is declared failed", async () => {
    for (const host of hosts) await net.setLoss(host, 10);
    const deadline = performance.now() + 20_000;
    try {
      while (performance.now() < deadline) {
        const seen = await Promise.all(hosts.map(status));
        for (const s of seen) if (s) expect((s.nodes ?? []).filter((n) => n.member_status?.status === "failed").map((n) => n.name)).toEqual([]);
        await Bun.sleep(500);
      }
    } finally {
      for (const host of hosts) await net.setLoss(host, 0);
    }
  }, 40_000);

  test("kill -9 is seen as failed; the restarted agent rejoins from its known-peers file alone", async () => {
    const victim = hosts[4]!;
    const rest = hosts.slice(0, 4);
    agents.get(victim.name)?.kill("SIGKILL");
    await agents.get(victim.name)?.exited;
    await eventually(rest, (s) => s.status === "degraded" && s.summary === `failed nodes: ${victim.name}`, 30_000, "the kill to be seen");
    start(victim, false);
    await eventually(hosts, (s) => s.status === "running" && aliveCount(s) === 5, 30_000, "the restarted agent to rejoin");
  }, 70_000);
});
