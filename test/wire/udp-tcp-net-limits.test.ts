import { afterEach, describe, expect, test } from "bun:test";
import { connect, type Socket } from "node:net";
import { lanConfig } from "../../src/membership/config-presets.ts";
import type { GossipNetHandlers } from "../../src/membership/gossip-net.ts";
import { createMembership, type Membership } from "../../src/membership/membership.ts";
import type { GossipMessage, PushPullMessage } from "../../src/membership/messages.ts";
import { createUdpTcpGossipNet, type UdpTcpGossipNet, type UdpTcpGossipNetOptions } from "../../src/membership/udp-tcp-net.ts";
import { compressMessage, createKeyring, encodePacket, encodeStream, encodeStreamBody, MessageType } from "../../src/membership/wire/index.ts";
import { systemClock } from "../../src/platform/clock.ts";
import { createMemoryLogger, silentLogger } from "../../src/platform/logger.ts";
import { createSeededRandom } from "../../src/platform/random.ts";
import { secureRandomBytes } from "../../src/platform/secure-random.ts";
import { waitFor } from "./serf-agent.ts";
import { vsn } from "./samples.ts";

/** The real UDP/TCP net under hostile input: amplification, stream sizes, memory, concurrency. */
const opened: { close(): Promise<void> | void }[] = [];
const MIB = 1024 * 1024;

async function net(extra: Partial<UdpTcpGossipNetOptions> = {}): Promise<UdpTcpGossipNet> {
  const n = await createUdpTcpGossipNet({ bindAddr: "127.0.0.1", bindPort: 0, compression: true, logger: silentLogger, clock: systemClock, ...extra });
  opened.push(n);
  return n;
}

afterEach(async () => {
  for (const n of opened.splice(0).reverse()) await n.close();
});

function echo(): GossipNetHandlers {
  return { onPacketMessage: () => {}, onStreamMessage: async (m) => (m.type === "pushPull" ? m : undefined) };
}

function pushPull(count: number, metaBytes = 64): PushPullMessage {
  return {
    type: "pushPull",
    join: false,
    nodes: Array.from({ length: count }, (_, i) => ({ name: `node-${i}.dc1.example.internal`, addr: "10.1.2.3", port: 7946, meta: new Uint8Array(metaBytes).fill(i % 256), incarnation: i, state: 0, vsn })),
    userState: secureRandomBytes(100_000),
  };
}

interface RawClient {
  socket: Socket;
  closed: () => boolean;
  received: () => Buffer;
}

/** A raw TCP client from `localAddress`, recording whether the server closed it. */
function rawClient(port: number, localAddress = "127.0.0.1"): Promise<RawClient> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let closed = false;
    const socket = connect({ host: "127.0.0.1", port, localAddress }, () => resolve({ socket, closed: () => closed, received: () => Buffer.concat(chunks) }));
    socket.on("data", (d: Buffer) => chunks.push(d));
    socket.on("close", () => void (closed = true));
    socket.on("error", () => void (closed = true));
    socket.once("error", reject);
    opened.push({ close: () => void socket.destroy() });
  });
}

describe("amplification", () => {
  test("one compound of 255 pings to a spoofed source gets at most two acks", async () => {
    const node = await net({ compression: false });
    const membership: Membership = createMembership(lanConfig("b"), { net: node, clock: systemClock, random: createSeededRandom(1), logger: silentLogger });
    membership.start();
    opened.push({ close: () => membership.shutdown() });
    let acks = 0;
    const victim = await Bun.udpSocket({ hostname: "127.0.0.1", port: 0, socket: { data: () => void acks++ } });
    opened.push({ close: () => victim.close() });
    const pings: GossipMessage[] = Array.from({ length: 255 }, (_, i) => ({ type: "ping", seqNo: i, node: "b", sourceAddr: "127.0.0.1", sourcePort: victim.port }));
    const packet = encodePacket(pings, { compression: true, crc: false });
    expect(packet.length).toBeLessThan(2_000);
    const attacker = await Bun.udpSocket({ hostname: "127.0.0.1", port: 0 });
    opened.push({ close: () => attacker.close() });
    attacker.send(packet, node.localAddress.port, "127.0.0.1");
    await waitFor(() => node.stats().dropsByReason.too_many_requests === 253, 3000, "the extra pings to be dropped");
    // A marker: one more ping, answered after the first packet's acks. Loopback UDP from one
    // socket keeps its order, so once the marker's ack is in, every earlier ack is too.
    attacker.send(encodePacket([{ type: "ping", seqNo: 1000, node: "b", sourceAddr: "127.0.0.1", sourcePort: victim.port }], { compression: false, crc: false }), node.localAddress.port, "127.0.0.1");
    await waitFor(() => acks >= 3, 3000, "the marker ping's ack");
    expect(acks).toBe(3);
  });
});

describe("incoming stream bounds", () => {
  test("a 5,000-member push/pull passes the default bounds, plain and encrypted", async () => {
    const keyring = createKeyring([new Uint8Array(32).fill(9)]);
    for (const options of [{}, { keyring }]) {
      const a = await net(options);
      const b = await net(options);
      b.setHandlers(echo());
      const request = pushPull(5000, 400);
      expect(encodeStreamBody(request).length).toBeGreaterThan(2_500_000);
      const reply = (await a.sendStream(b.localAddress, request, { timeoutMs: 20_000, expectReply: true })) as PushPullMessage;
      expect(reply.nodes.length).toBe(5000);
      expect(b.stats().streamsFailed).toBe(0);
      await waitFor(() => b.stats().streamMemoryBytes === 0, 3000, "the stream's memory to be returned");
    }
  });

  test("a declared length over the limit is refused before the body is read", async () => {
    const keyring = createKeyring([new Uint8Array(32).fill(9)]);
    const b = await net({ keyring });
    b.setHandlers(echo());
    const client = await rawClient(b.localAddress.port);
    const header = Buffer.alloc(5);
    header[0] = MessageType.encrypt;
    header.writeUInt32BE(9 * MIB, 1);
    client.socket.write(header);
    await waitFor(() => client.closed(), 3000, "the stream to be closed");
    expect(b.stats().streamFailuresByReason.too_large).toBe(1);
    expect(b.stats().streamMemoryBytes).toBe(0);
  });

  test("slow streams together never hold more than the shared memory; the one over it is closed", async () => {
    const b = await net({ keyring: createKeyring([new Uint8Array(32).fill(9)]), streamLimits: { totalMemoryMax: 4 * MIB } });
    b.setHandlers(echo());
    // Each declares a 3 MiB encrypted frame (legal) and sends 1.5 MiB of it, then stalls.
    const clients: RawClient[] = [];
    for (let i = 0; i < 4; i++) {
      const client = await rawClient(b.localAddress.port);
      const header = Buffer.alloc(5);
      header[0] = MessageType.encrypt;
      header.writeUInt32BE(3 * MIB, 1);
      client.socket.write(header);
      client.socket.write(Buffer.alloc(1.5 * MIB, 1));
      clients.push(client);
    }
    await waitFor(() => b.stats().streamFailuresByReason.over_budget >= 1, 5000, "a stream over the shared memory to be closed");
    expect(b.stats().streamMemoryBytes).toBeLessThanOrEqual(4 * MIB);
    await waitFor(() => clients.some((c) => c.closed()), 3000, "the stream over the shared memory to be cut off");
  });

  test("a compressed stream that expands far beyond its size is refused", async () => {
    const b = await net({ compression: false });
    b.setHandlers(echo());
    const bomb = compressMessage(encodeStreamBody({ type: "user", payload: new Uint8Array(6 * MIB) }));
    expect(bomb.length).toBeLessThan(50_000);
    const client = await rawClient(b.localAddress.port);
    client.socket.write(bomb);
    await waitFor(() => client.closed(), 3000, "the stream to be closed");
    expect(b.stats().streamFailuresByReason.too_large).toBe(1);
    expect(client.received()[0]).toBe(MessageType.err);
  });

  test("one peer holding its stream slots does not block a join from another; refusals log one line per interval", async () => {
    const logger = createMemoryLogger();
    const b = await net({ logger, streamLimits: { incomingPerPeerMax: 4 } });
    b.setHandlers(echo());
    const hogs: RawClient[] = [];
    for (let i = 0; i < 30; i++) {
      const client = await rawClient(b.localAddress.port, "127.0.0.2");
      client.socket.write(Uint8Array.of(MessageType.pushPull));
      hogs.push(client);
    }
    await waitFor(() => b.stats().streamFailuresByReason.too_many_from_peer === 26, 3000, "the streams over the per-peer limit to be refused");
    expect(b.stats().streamsActive).toBe(4);
    const a = await net();
    const reply = (await a.sendStream(b.localAddress, pushPull(3), { timeoutMs: 3000, expectReply: true })) as PushPullMessage;
    expect(reply.nodes.length).toBe(3);
    const warnings = logger.lines.filter((l) => l.includes("incoming gossip stream closed"));
    expect(warnings.length).toBe(1);
    expect(warnings[0]).toContain("reason=too_many_from_peer");
  });

  test("with a key, a plaintext stream is refused and an unauthenticated frame is never decompressed", async () => {
    const keyring = createKeyring([new Uint8Array(32).fill(9)]);
    const b = await net({ keyring });
    b.setHandlers(echo());
    const other = createKeyring([new Uint8Array(32).fill(8)]);
    const forged = encodeStream({ type: "user", payload: new Uint8Array(MIB) }, { compression: true, keyring: other, random: secureRandomBytes });
    const client = await rawClient(b.localAddress.port);
    client.socket.write(forged);
    const plain = await rawClient(b.localAddress.port);
    plain.socket.write(compressMessage(encodeStreamBody({ type: "user", payload: new Uint8Array(10) })));
    await waitFor(() => client.closed() && plain.closed(), 3000, "both streams to be closed");
    expect(b.stats().streamFailuresByReason).toMatchObject({ decrypt_failed: 1, not_encrypted: 1, decompress_failed: 0, too_large: 0 });
  });
});
