import { describe, expect, test } from "bun:test";
import { encodeEcho } from "../../src/nethealth/echo-packet.ts";
import { createEchoProber, ECHO_REPLIES_PER_SECOND_MAX, type EchoProber } from "../../src/nethealth/echo-prober.ts";
import { NETHEALTH_PEERS_MAX, nethealthReportSchema } from "../../src/nethealth/peer-report.ts";
import { silentLogger } from "../../src/platform/logger.ts";
import { ManualClock } from "../../src/platform/manual-clock.ts";
import { FakeUdpNet } from "./fake-udp.ts";

const PORT = 7580;
const options = (node: string) => ({ node, intervalMs: 1000, timeoutMs: 500, windowProbes: 10 });

/** Three nethealth instances on a fake network with a 2 ms one-way delay, each knowing the other two. */
function threeNodes() {
  const clock = new ManualClock();
  const net = new FakeUdpNet(clock, 2);
  const nodes = ["a", "b", "c"].map((name, i) => ({ name, ip: `10.0.0.${i + 1}`, port: PORT }));
  const probers = new Map<string, EchoProber>();
  for (const node of nodes) {
    const prober = createEchoProber(options(node.name), { clock, logger: silentLogger });
    const socket = net.open(node.ip, PORT, prober.receive);
    prober.setPeers(nodes.filter((n) => n !== node));
    prober.start(socket);
    probers.set(node.name, prober);
  }
  const peer = (on: string, name: string) => probers.get(on)?.report().peers.find((p) => p.name === name);
  return { clock, net, probers, peer };
}

describe("echo prober", () => {
  test("every pair echoes: no loss, round trip of both one-way delays; the report is what the overlay check accepts", async () => {
    const { clock, probers, peer } = threeNodes();
    await clock.advance(10_000);
    expect(peer("a", "b")).toMatchObject({ name: "b", addr: "10.0.0.2:7580", lossPercent: 0, rttP50Ms: 4, rttP95Ms: 4, probesInWindow: 10, requestsTotal: 11 });
    for (const prober of probers.values()) {
      const report = prober.report();
      expect(report.peers.map((p) => p.lossPercent)).toEqual([0, 0]);
      expect(nethealthReportSchema.parse(JSON.parse(JSON.stringify(report)))).toEqual(report);
    }
  });

  test("a cut link shows 100 % loss on both ends within one window, only for that pair; healed, it recovers", async () => {
    const { clock, net, peer } = threeNodes();
    await clock.advance(5_000);
    net.cutLink("10.0.0.1", "10.0.0.3");
    await clock.advance(10_000);
    expect([peer("a", "c")?.lossPercent, peer("c", "a")?.lossPercent]).toEqual([100, 100]);
    expect([peer("a", "b")?.lossPercent, peer("b", "c")?.lossPercent]).toEqual([0, 0]);
    net.heal();
    // The echo of the tick at the moment of the heal was sent while cut: one window after it.
    await clock.advance(11_000);
    expect(peer("a", "c")?.lossPercent).toBe(0);
  });

  test("replies count only from the peer's address and for an echo in flight; junk is dropped by reason", async () => {
    const clock = new ManualClock();
    const sent: { data: Uint8Array; to: string }[] = [];
    const prober = createEchoProber(options("a"), { clock, logger: silentLogger });
    prober.setPeers([{ name: "b", ip: "10.0.0.2", port: PORT }]);
    prober.start({ send: (data, to) => void sent.push({ data, to: `${to.ip}:${to.port}` }) });
    expect(sent.map((s) => s.to)).toEqual(["10.0.0.2:7580"]);
    const seq = new DataView(sent[0]!.data.buffer).getUint32(5);
    prober.receive(encodeEcho({ type: "reply", seq }), { ip: "10.0.0.9", port: PORT });
    prober.receive(encodeEcho({ type: "reply", seq }), { ip: "10.0.0.2", port: 9999 });
    prober.receive(encodeEcho({ type: "reply", seq: seq + 1 }), { ip: "10.0.0.2", port: PORT });
    prober.receive(new Uint8Array(1500), { ip: "10.0.0.2", port: PORT });
    expect(prober.drops()).toEqual({ length: 1, magic: 0, type: 0, "unknown-peer": 2, "rate-limited": 0 });
    expect(prober.report().peers[0]).toMatchObject({ repliesTotal: 0, lateRepliesTotal: 1 });
    prober.receive(encodeEcho({ type: "reply", seq }), { ip: "10.0.0.2", port: PORT });
    expect(prober.report().peers[0]).toMatchObject({ repliesTotal: 1, probesInWindow: 1, lossPercent: 0 });
    prober.stop();
  });

  test("requests from anyone get a reply of the same size, at most ECHO_REPLIES_PER_SECOND_MAX a second", async () => {
    const clock = new ManualClock();
    const replies: number[] = [];
    const prober = createEchoProber(options("a"), { clock, logger: silentLogger });
    prober.start({ send: (data) => void replies.push(data.length) });
    const flood = ECHO_REPLIES_PER_SECOND_MAX + 100;
    for (let i = 0; i < flood; i++) prober.receive(encodeEcho({ type: "request", seq: i }), { ip: "192.0.2.1", port: 1 });
    expect(replies.length).toBe(ECHO_REPLIES_PER_SECOND_MAX);
    expect(new Set(replies)).toEqual(new Set([9]));
    expect(prober.drops()["rate-limited"]).toBe(100);
    await clock.advance(1000);
    prober.receive(encodeEcho({ type: "request", seq: 1 }), { ip: "192.0.2.1", port: 1 });
    expect(replies.length).toBe(ECHO_REPLIES_PER_SECOND_MAX + 1);
    prober.stop();
  });

  test("new peer lists keep the numbers of a peer at the same address, reset a moved one, forget a gone one", async () => {
    const { clock, probers } = threeNodes();
    await clock.advance(5_000);
    const a = probers.get("a")!;
    a.setPeers([{ name: "b", ip: "10.0.0.2", port: PORT }, { name: "c", ip: "10.0.0.33", port: PORT }]);
    expect(a.report().peers.map((p) => [p.name, p.requestsTotal])).toEqual([["b", 6], ["c", 0]]);
    a.setPeers([{ name: "b", ip: "10.0.0.2", port: PORT }]);
    expect(a.report().peers.map((p) => p.name)).toEqual(["b"]);
  });

  test(`at most ${NETHEALTH_PEERS_MAX} peers, the first by name; a name given twice counts once`, () => {
    const prober = createEchoProber(options("a"), { clock: new ManualClock(), logger: silentLogger });
    const many = Array.from({ length: NETHEALTH_PEERS_MAX + 10 }, (_, i) => ({ name: `n${String(i).padStart(5, "0")}`, ip: "10.1.0.1", port: 1000 + i }));
    prober.setPeers([...many].reverse());
    const names = prober.report().peers.map((p) => p.name);
    expect(names.length).toBe(NETHEALTH_PEERS_MAX);
    expect(names[0]).toBe("n00000");
    prober.setPeers([{ name: "x", ip: "10.0.0.1", port: 1 }, { name: "x", ip: "10.0.0.2", port: 1 }]);
    expect(prober.report().peers.map((p) => p.addr)).toEqual(["10.0.0.1:1"]);
  });
});
