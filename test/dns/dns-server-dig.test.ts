import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import * as dnsPacket from "dns-packet";
import type { DnsNode } from "../../src/dns/dns-node.ts";
import { NODES_REFRESH_MS, startDnsServer, type RunningDnsServer } from "../../src/dns/dns-server.ts";
import { createMetrics } from "../../src/metrics/index.ts";
import { bunListeningSockets } from "../../src/platform/bun-sockets.ts";
import { createMemoryLogger } from "../../src/platform/logger.ts";
import { ManualClock } from "../../src/platform/manual-clock.ts";

/**
 * The DNS server on real UDP and TCP sockets, asked by Debian's `dig`: what a resolver sees
 * (flags, status, sections, truncation and the retry over TCP). The rate limiter runs on a
 * manual clock, so which answers it lets through is exact.
 */
const HAS_DIG = Bun.which("dig") !== null;

const big: DnsNode[] = Array.from({ length: 200 }, (_, i) => ({
  name: `w${i}`,
  ip: `10.1.${i >> 8}.${i & 255}`,
  gossipPort: 7946,
  tags: { role: "worker" },
  memberStatus: "alive",
  nodeStatus: "running",
}));
let nodes: DnsNode[] = [];
const base: DnsNode[] = [
  { name: "m1", ip: "127.0.0.11", gossipPort: 7001, apiPort: 7501, tags: { role: "master", redis: "yes" }, memberStatus: "alive", nodeStatus: "running" },
  { name: "n2", ip: "127.0.0.12", gossipPort: 7002, apiPort: 7502, tags: { role: "node", redis: "yes" }, memberStatus: "alive", nodeStatus: "running" },
  { name: "n3", ip: "::1", gossipPort: 7003, apiPort: 7503, tags: { role: "node" }, memberStatus: "alive", nodeStatus: "degraded" },
];

const clock = new ManualClock();
const metrics = createMetrics();
let server: RunningDnsServer;
let limited: RunningDnsServer;

beforeAll(async () => {
  nodes = [...base, ...big];
  const common = { host: "127.0.0.1", port: 0, domain: ["satellite"], nodes: () => nodes, clock, logger: createMemoryLogger(), sockets: bunListeningSockets, metrics };
  server = await startDnsServer({ ...common, answersPerSecond: 100_000 });
  limited = await startDnsServer({ ...common, answersPerSecond: 3 });
});
afterAll(() => {
  server?.stop();
  limited?.stop();
});

/** Runs dig asynchronously: the server answers on this process's event loop. */
async function digAt(port: number, ...args: string[]): Promise<string> {
  const child = Bun.spawn(["dig", "@127.0.0.1", "-p", String(port), "+time=2", "+tries=1", ...args], { stdout: "pipe", stderr: "pipe", timeout: 10_000 });
  const [out, err] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited]);
  return out + err;
}
const dig = (...args: string[]) => digAt(server.port, ...args);
const short = async (...args: string[]) => (await dig("+short", ...args)).trim().split("\n").filter(Boolean).sort();

/** Sends raw UDP packets to `port` and collects what comes back within `waitMs`. */
async function exchange(port: number, packets: Uint8Array[], waitMs = 300): Promise<Uint8Array[]> {
  const received: Uint8Array[] = [];
  const socket = await Bun.udpSocket({ binaryType: "uint8array", socket: { data: (_s, data) => void received.push(data) } });
  for (const p of packets) socket.send(p, port, "127.0.0.1");
  await Bun.sleep(waitMs);
  socket.close();
  return received;
}

describe.skipIf(!HAS_DIG)("dig against the DNS server", () => {
  test("A by node name, role and tag; AAAA; only running nodes unless any.", async () => {
    expect(await short("m1.node.satellite")).toEqual(["127.0.0.11"]);
    expect(await short("yes.redis.tag.satellite")).toEqual(["127.0.0.11", "127.0.0.12"]);
    expect(await short("node.role.satellite")).toEqual(["127.0.0.12"]);
    expect(await short("any.node.role.satellite")).toEqual(["127.0.0.12"]);
    expect(await short("AAAA", "any.node.role.satellite")).toEqual(["::1"]);
    expect(await short("AAAA", "any.n3.node.satellite")).toEqual(["::1"]);
  });

  test("NXDOMAIN and NODATA carry the SOA in the authority section; the answer is authoritative", async () => {
    const nx = await dig("n3.node.satellite");
    expect(nx).toContain("status: NXDOMAIN");
    expect(nx).toMatch(/flags: qr aa rd;/);
    expect(nx).toMatch(/;; AUTHORITY SECTION:\nsatellite\.\s+5\s+IN\s+SOA\s+ns\.satellite\. hostmaster\.satellite\./);
    const nodata = await dig("AAAA", "m1.node.satellite");
    expect(nodata).toContain("status: NOERROR");
    expect(nodata).toContain("ANSWER: 0, AUTHORITY: 1");
    expect(await dig("example.com")).toContain("status: REFUSED");
  });

  test("SRV for the API and gossip ports, with the targets' addresses as additional records", async () => {
    const srv = await dig("SRV", "_api._tcp.master.role.satellite");
    expect(srv).toMatch(/_api\._tcp\.master\.role\.satellite\.\s+5\s+IN\s+SRV\s+1 1 7501 m1\.node\.satellite\./);
    expect(srv).toMatch(/;; ADDITIONAL SECTION:\nm1\.node\.satellite\.\s+5\s+IN\s+A\s+127\.0\.0\.11/);
    expect(await short("SRV", "_gossip._udp.yes.redis.tag.satellite")).toEqual(["1 1 7001 m1.node.satellite.", "1 1 7002 n2.node.satellite."]);
  });

  test("200 nodes: UDP without EDNS is cut at 512 bytes with TC; dig retries over TCP and gets all of them", async () => {
    const cut = await dig("+noedns", "+ignore", "worker.role.satellite");
    expect(cut).toMatch(/flags: qr aa tc rd;/);
    const cutCount = Number(/ANSWER: (\d+)/.exec(cut)?.[1]);
    expect(cutCount).toBeGreaterThan(5);
    expect(cutCount).toBeLessThan(200);
    expect(Number(/MSG SIZE\s+rcvd: (\d+)/.exec(cut)?.[1])).toBeLessThanOrEqual(512);
    const retried = await dig("+noedns", "worker.role.satellite");
    expect(retried).toContain("Truncated, retrying in TCP mode");
    expect(retried).toContain("ANSWER: 200,");
    expect(await dig("+tcp", "worker.role.satellite")).toContain("ANSWER: 200,");
    // With EDNS the client's buffer size bounds the answer.
    const edns = await dig("+bufsize=1000", "+ignore", "worker.role.satellite");
    expect(edns).toMatch(/flags: qr aa tc rd;/);
    expect(Number(/MSG SIZE\s+rcvd: (\d+)/.exec(edns)?.[1])).toBeLessThanOrEqual(1000);
    expect(Number(/MSG SIZE\s+rcvd: (\d+)/.exec(edns)?.[1])).toBeGreaterThan(512);
  });

  test("a member that fails disappears from the answers once the view is read again", async () => {
    expect(await short("yes.redis.tag.satellite")).toEqual(["127.0.0.11", "127.0.0.12"]);
    nodes = nodes.map((n) => (n.name === "n2" ? { ...n, memberStatus: "failed" as const } : n));
    await clock.advance(NODES_REFRESH_MS);
    expect(await short("yes.redis.tag.satellite")).toEqual(["127.0.0.11"]);
    expect(await dig("n2.node.satellite")).toContain("status: NXDOMAIN");
    nodes = [...base, ...big];
    await clock.advance(NODES_REFRESH_MS);
  });

  test("malformed packets get no answer and are counted; the server keeps answering", async () => {
    const before = metrics.dnsDropped.get({ reason: "malformed" });
    const garbage = [new Uint8Array([1, 2, 3]), new Uint8Array(40).fill(0xff).map((b, i) => (i === 2 ? 0x01 : b)), new Uint8Array([0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 12, 0, 1, 0, 1])];
    expect(await exchange(server.port, garbage)).toEqual([]);
    expect(metrics.dnsDropped.get({ reason: "malformed" }) - before).toBe(3);
    expect(await short("m1.node.satellite")).toEqual(["127.0.0.11"]);
  });

  test("over the rate, every second limited answer is a bare TC reply and the rest are dropped; TCP is not limited", async () => {
    const query = (id: number) => dnsPacket.encode({ type: "query", id, questions: [{ name: "m1.node.satellite", type: "A" }] });
    const dropsBefore = metrics.dnsDropped.get({ reason: "rate_limited" });
    const replies = (await exchange(limited.port, Array.from({ length: 9 }, (_, i) => query(i + 1)))).map((b) => dnsPacket.decode(Buffer.from(b)));
    const full = replies.filter((r) => !r.flag_tc);
    const slips = replies.filter((r) => r.flag_tc);
    expect(full.length).toBe(3);
    expect(full.every((r) => r.answers?.length === 1)).toBe(true);
    expect(slips.length).toBe(3);
    expect(slips.every((r) => r.answers?.length === 0)).toBe(true);
    expect(metrics.dnsDropped.get({ reason: "rate_limited" }) - dropsBefore).toBe(3);
    expect((await digAt(limited.port, "+tcp", "+short", "m1.node.satellite")).trim()).toBe("127.0.0.11");
  });
});
