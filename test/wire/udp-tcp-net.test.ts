import { afterEach, describe, expect, test } from "bun:test";
import type { GossipNetHandlers } from "../../src/membership/gossip-net.ts";
import type { GossipMessage, PushPullMessage } from "../../src/membership/messages.ts";
import { createKeyring, encodePacket } from "../../src/membership/wire/index.ts";
import { systemClock } from "../../src/platform/clock.ts";
import { createMemoryLogger, silentLogger } from "../../src/platform/logger.ts";
import { createUdpTcpGossipNet, type UdpTcpGossipNet, type UdpTcpGossipNetOptions } from "../../src/membership/udp-tcp-net.ts";
import { waitFor } from "./serf-agent.ts";
import { vsn } from "./samples.ts";

/** The real net beyond the shared contract: big streams, limits, drop accounting. */
const opened: UdpTcpGossipNet[] = [];

async function net(extra: Partial<UdpTcpGossipNetOptions> = {}): Promise<UdpTcpGossipNet> {
  const n = await createUdpTcpGossipNet({ bindAddr: "127.0.0.1", bindPort: 0, compression: false, logger: silentLogger, clock: systemClock, ...extra });
  opened.push(n);
  return n;
}

afterEach(async () => {
  for (const n of opened.splice(0)) await n.close();
});

function bigPushPull(count: number): PushPullMessage {
  return {
    type: "pushPull",
    join: false,
    nodes: Array.from({ length: count }, (_, i) => ({ name: `node-${i}`, addr: "10.1.2.3", port: 7946, meta: new Uint8Array(64).fill(i % 256), incarnation: i, state: 0, vsn })),
    userState: new Uint8Array(1000).fill(3),
  };
}

function echoHandlers(inbox: GossipMessage[]): GossipNetHandlers {
  return {
    onPacketMessage: (m) => void inbox.push(m),
    onStreamMessage: async (m) => {
      inbox.push(m);
      return m.type === "pushPull" ? m : undefined;
    },
  };
}

describe("UDP/TCP gossip net", () => {
  test("a 1.4 MB push/pull goes both ways intact (partial writes and drain)", async () => {
    for (const compression of [false, true]) {
      const a = await net({ compression });
      const b = await net({ compression });
      b.setHandlers(echoHandlers([]));
      const request = bigPushPull(10_000);
      const reply = (await a.sendStream(b.localAddress, request, { timeoutMs: 20_000, expectReply: true })) as PushPullMessage;
      expect(reply.nodes.length).toBe(10_000);
      expect(reply.nodes[9_999]).toEqual(request.nodes[9_999] as never);
      expect(a.stats().bytesSent).toBeGreaterThan(compression ? 100_000 : 1_300_000);
    }
  });

  test("garbage, plaintext and wrong-key packets are counted per reason", async () => {
    const key = createKeyring([new Uint8Array(16).fill(4)]);
    const b = await net({ keyring: key });
    b.setHandlers(echoHandlers([]));
    const sock = await Bun.udpSocket({ hostname: "127.0.0.1", port: 0 });
    try {
      sock.send(Uint8Array.of(11, 0x81), b.localAddress.port, "127.0.0.1");
      sock.send(Uint8Array.of(1, 2, 3), b.localAddress.port, "127.0.0.1");
      const other = createKeyring([new Uint8Array(16).fill(5)]);
      sock.send(encodePacket([{ type: "nack", seqNo: 1 }], { compression: false, crc: false, keyring: other, random: (n) => new Uint8Array(n) }), b.localAddress.port, "127.0.0.1");
      await waitFor(() => b.stats().packetsDropped === 3, 3000, "three dropped packets");
      expect(b.stats().dropsByReason).toMatchObject({ not_encrypted: 1, decrypt_failed: 2 });
      expect(b.stats().packetsReceived).toBe(3);
    } finally {
      sock.close();
    }
  });

  test("many messages are split into several packets under 1400 bytes; an oversized one is refused", async () => {
    const a = await net();
    const b = await net();
    const inbox: GossipMessage[] = [];
    b.setHandlers(echoHandlers(inbox));
    const msgs: GossipMessage[] = Array.from({ length: 30 }, () => ({ type: "user", payload: new Uint8Array(200).fill(1) }));
    a.sendPacket(b.localAddress, msgs);
    await waitFor(() => inbox.length === 30, 3000, "all 30 messages");
    expect(a.stats().packetsSent).toBe(5);
    expect(a.stats().bytesSent / a.stats().packetsSent).toBeLessThanOrEqual(1400);
    a.sendPacket(b.localAddress, [{ type: "user", payload: new Uint8Array(1500) }]);
    expect(a.stats().sendFailures).toBe(1);
    expect(a.packetBudgetBytes).toBe(1400 - 2 - 5);
    const enc = await net({ keyring: createKeyring([new Uint8Array(32)]) });
    expect(enc.packetBudgetBytes).toBe(1400 - 2 - 5 - 29);
  });

  test("sending to a host name or a closed port never throws and is counted", async () => {
    const logger = createMemoryLogger();
    const a = await net({ logger });
    expect(() => a.sendPacket({ ip: "not-an-ip.example", port: 1 }, [{ type: "nack", seqNo: 1 }])).not.toThrow();
    expect(() => a.sendPacket({ ip: "127.0.0.1", port: 1 }, [{ type: "nack", seqNo: 1 }])).not.toThrow();
    expect(() => a.sendPacket({ ip: "127.0.0.1", port: 1 }, [{ type: "alive", incarnation: 1, node: "x", addr: "bad host", port: 1, meta: new Uint8Array(), vsn }])).not.toThrow();
    expect(a.stats().sendFailures).toBeGreaterThanOrEqual(2);
  });

  test("a stuck stream handler is cut off at the stream deadline", async () => {
    const a = await net();
    const b = await net({ streamTimeoutMs: 200 });
    b.setHandlers({ onPacketMessage: () => {}, onStreamMessage: () => new Promise(() => {}) });
    await expect(a.sendStream(b.localAddress, bigPushPull(1), { timeoutMs: 5000, expectReply: true })).rejects.toBeDefined();
    await waitFor(() => b.stats().streamsFailed === 1, 3000, "the stuck stream to be counted");
  });

  test("a malformed incoming stream gets an err reply, which the sender surfaces", async () => {
    const b = await net();
    b.setHandlers(echoHandlers([]));
    const chunks: Uint8Array[] = [];
    let closed = false;
    const s = await Bun.connect({
      hostname: "127.0.0.1",
      port: b.localAddress.port,
      socket: { binaryType: "uint8array", data: (_s, d) => void chunks.push(d), close: () => void (closed = true), end: () => void (closed = true) },
    });
    s.write(Uint8Array.of(6, 0xc1));
    await waitFor(() => closed, 3000, "the server to answer and close");
    expect(Buffer.concat(chunks)[0]).toBe(13);
    expect(b.stats().streamsFailed).toBe(1);
  });

  test("incoming streams over the concurrency limit are refused", async () => {
    const a = await net();
    const b = await net({ streamLimits: { incomingMax: 1 } });
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => (release = r));
    b.setHandlers({ onPacketMessage: () => {}, onStreamMessage: async (m) => (await gate, m) });
    const first = a.sendStream(b.localAddress, bigPushPull(1), { timeoutMs: 3000, expectReply: true });
    await waitFor(() => b.stats().streamsAccepted === 1, 3000, "the first stream to be accepted");
    await expect(a.sendStream(b.localAddress, bigPushPull(1), { timeoutMs: 3000, expectReply: true })).rejects.toBeDefined();
    release();
    expect(((await first) as PushPullMessage).nodes.length).toBe(1);
    expect(b.stats().streamsFailed).toBe(1);
  });

  test("binds IPv6 loopback and exchanges packets over it", async () => {
    const a = await net({ bindAddr: "::1" });
    const b = await net({ bindAddr: "::1" });
    const inbox: GossipMessage[] = [];
    b.setHandlers(echoHandlers(inbox));
    a.sendPacket(b.localAddress, [{ type: "ping", seqNo: 1, node: "b", sourceAddr: "::1", sourcePort: a.localAddress.port }]);
    await waitFor(() => inbox.length === 1, 3000, "the IPv6 ping");
    expect(inbox[0]).toMatchObject({ sourceAddr: "::1" });
  });

  test("streams leave from the bind address when it is one address, so the peer counts them as ours", async () => {
    const a = await net({ bindAddr: "127.0.0.1" });
    const b = await net({ bindAddr: "127.0.0.2" });
    const from: string[] = [];
    a.setHandlers({ onPacketMessage: () => {}, onStreamMessage: async (m, peer) => (from.push(peer.ip), m) });
    await b.sendStream(a.localAddress, bigPushPull(1), { timeoutMs: 3000, expectReply: true });
    // Without a chosen source the system would pick 127.0.0.1 for a peer on 127.0.0.1.
    expect(from).toEqual(["127.0.0.2"]);
  });

  test("binding a port in use fails with a clear error", async () => {
    const a = await net();
    await expect(net({ bindPort: a.localAddress.port })).rejects.toMatchObject({ code: "GOSSIP_BIND_FAILED" });
  });
});
