import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { createTestNetwork, existingNamespaces, netnsUnavailableReason, sweepStaleNamespaces, type TestHost, type TestNetwork } from "../support/netns.ts";
import { run } from "../support/netns-commands.ts";

const unavailable = netnsUnavailableReason();
if (unavailable) console.warn(`SKIP test/netns: ${unavailable}`);

const PORT = 7000;
const PREFIX = "satnettest";
const echoServer = join(import.meta.dir, "echo-server.ts");

describe.skipIf(unavailable !== null)("namespace test network", () => {
  let net: TestNetwork;
  let h0: TestHost, h1: TestHost, h2: TestHost;

  beforeAll(async () => {
    net = await createTestNetwork({ hosts: 3, prefix: PREFIX, maxLifetimeMs: 60_000 });
    [h0, h1, h2] = net.hosts as [TestHost, TestHost, TestHost];
    await Promise.all(net.hosts.map((h) => startEchoServer(net, h)));
  }, 15_000);
  afterAll(() => net?.destroy());

  /** Exit 0 when a TCP echo round trip from `from` to `to` works within 1 s. */
  async function tcpEcho(from: TestHost, to: TestHost): Promise<boolean> {
    const script = `exec 3<>/dev/tcp/${to.ip}/${PORT} && echo ping-${from.name} >&3 && read -r line <&3 && [ "$line" = ping-${from.name} ]`;
    const result = await net.exec(from, ["timeout", "1", "bash", "-c", script], 3_000);
    return result.exitCode === 0;
  }

  test("hosts get distinct addresses in 10.203.0.0/24 and reach each other over the bridge", async () => {
    expect(net.hosts.map((h) => h.ip)).toEqual(["10.203.0.1", "10.203.0.2", "10.203.0.3"]);
    const pairs = net.hosts.flatMap((a) => net.hosts.filter((b) => b !== a).map((b) => [a, b] as const));
    const reachable = await Promise.all(pairs.map(([a, b]) => tcpEcho(a, b)));
    expect(reachable).toEqual(pairs.map(() => true));
  });

  test("a host's namespace has only lo and eth0, with lo up", async () => {
    const links = await net.exec(h0, ["ip", "-o", "link", "show"]);
    const names = links.stdout.split("\n").filter(Boolean).map((l) => l.split(":")[1]?.trim().split("@")[0]);
    expect(names.sort()).toEqual(["eth0", "lo"]);
    expect((await net.exec(h0, ["bash", "-c", `exec 3<>/dev/tcp/127.0.0.1/${PORT}`])).exitCode).toBe(0);
  });

  test("partition blocks traffic across groups both ways, keeps it within a group, heal restores it", async () => {
    await net.partition([h2], [h0, h1]);
    const [h0h1, h0h2, h2h0, h2h1] = await Promise.all([tcpEcho(h0, h1), tcpEcho(h0, h2), tcpEcho(h2, h0), tcpEcho(h2, h1)]);
    expect({ h0h1, h0h2, h2h0, h2h1 }).toEqual({ h0h1: true, h0h2: false, h2h0: false, h2h1: false });
    await net.heal();
    expect(await Promise.all([tcpEcho(h0, h2), tcpEcho(h2, h1)])).toEqual([true, true]);
  });

  test("setLoss drops about that share of the packets arriving on the host; 0 removes it", async () => {
    const sent = 400;
    const countAt = async (host: TestHost) => {
      // Asked over the host's own loopback, which the loss rule (eth0 only) leaves alone.
      const r = await net.exec(host, ["bash", "-c", `exec 3<>/dev/tcp/127.0.0.1/${PORT}; echo COUNT >&3; read -r n <&3; echo $n`]);
      return Number(r.stdout.trim());
    };
    const blast = () => net.exec(h0, ["bash", "-c", `for i in $(seq ${sent}); do echo x > /dev/udp/${h1.ip}/${PORT}; done`]);
    await net.setLoss(h1, 50);
    const before = await countAt(h1);
    expect((await blast()).exitCode).toBe(0);
    const lossy = (await countAt(h1)) - before;
    // Binomial(400, 0.5): 25 %..75 % is more than 9 standard deviations wide.
    expect(lossy).toBeGreaterThan(sent * 0.25);
    expect(lossy).toBeLessThan(sent * 0.75);
    await net.setLoss(h1, 100);
    expect(await tcpEcho(h0, h1)).toBe(false);
    await net.setLoss(h1, 0);
    const before2 = await countAt(h1);
    await blast();
    expect((await countAt(h1)) - before2).toBe(sent);
    expect(() => net.setLoss(h1, 120)).toThrow(/percent must be within 0\.\.100/);
  });

  test("sweepStaleNamespaces deletes namespaces of a run whose process is gone", async () => {
    const gone = Bun.spawn(["true"]);
    await gone.exited;
    const stale = `${PREFIX}-${gone.pid}-0-h0`;
    expect(run(["ip", "netns", "add", stale], 5_000).exitCode).toBe(0);
    expect(sweepStaleNamespaces(PREFIX)).toContain(stale);
    expect(existingNamespaces([stale])).toEqual([]);
    // Our own, live run is left alone.
    expect(existingNamespaces(net.hosts.map((h) => h.ns))).toHaveLength(3);
  });

  test("destroy kills the spawned processes and deletes every namespace", async () => {
    const child = net.spawn(h0, ["sleep", "30"]);
    const names = [net.switchNs, ...net.hosts.map((h) => h.ns)];
    await net.destroy();
    expect(await child.exited).not.toBe(0);
    expect(existingNamespaces(names)).toEqual([]);
    await net.destroy(); // idempotent
    expect(() => net.spawn(h0, ["true"])).toThrow(/was destroyed/);
  });
});

describe.skipIf(unavailable !== null)("spawned process lifetime", () => {
  test("a process outliving lifetimeMs is killed", async () => {
    const net = await createTestNetwork({ hosts: 1, prefix: PREFIX, maxLifetimeMs: 30_000 });
    try {
      const started = performance.now();
      const child = net.spawn(net.hosts[0] as TestHost, ["sleep", "20"], { lifetimeMs: 300 });
      await child.exited;
      expect(child.signalCode).toBe("SIGKILL");
      expect(performance.now() - started).toBeLessThan(5_000);
    } finally {
      await net.destroy();
    }
  });
});

async function startEchoServer(net: TestNetwork, host: TestHost): Promise<void> {
  const child = net.spawn(host, [process.execPath, echoServer, String(PORT)], { stderr: "inherit" });
  const reader = child.stdout.getReader();
  const { value } = await reader.read();
  reader.releaseLock();
  if (!new TextDecoder().decode(value).includes("ready")) throw new Error(`echo server in ${host.ns} did not start (exit ${await child.exited})`);
}
