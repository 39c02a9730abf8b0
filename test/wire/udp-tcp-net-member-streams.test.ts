import { afterEach, describe, expect, test } from "bun:test";
import { connect, type Socket } from "node:net";
import { createUdpTcpGossipNet, type UdpTcpGossipNet, type UdpTcpGossipNetOptions } from "../../src/membership/udp-tcp-net.ts";
import { createKeyring, encodePacket } from "../../src/membership/wire/index.ts";
import { systemClock } from "../../src/platform/clock.ts";
import { silentLogger } from "../../src/platform/logger.ts";
import { waitFor } from "./serf-agent.ts";

/** The per-IP stream bound of the real net: raised for an IP that sends valid gossip, for no other. */
const opened: { close(): Promise<void> | void }[] = [];

afterEach(async () => {
  for (const n of opened.splice(0).reverse()) await n.close();
});

async function net(extra: Partial<UdpTcpGossipNetOptions> = {}): Promise<UdpTcpGossipNet> {
  const n = await createUdpTcpGossipNet({ bindAddr: "127.0.0.1", bindPort: 0, compression: false, logger: silentLogger, clock: systemClock, ...extra });
  opened.push(n);
  return n;
}

/** Opens `count` streams from `localAddress` that send nothing, so each holds its slot until the deadline. */
async function holdStreams(port: number, localAddress: string, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const socket = await new Promise<Socket>((resolve, reject) => {
      const s = connect({ host: "127.0.0.1", port, localAddress }, () => resolve(s));
      s.once("error", reject);
    });
    socket.on("error", () => {});
    opened.push({ close: () => void socket.destroy() });
  }
}

async function sendPing(to: UdpTcpGossipNet, fromIp: string, packet: Uint8Array): Promise<void> {
  const before = to.stats().packetsReceived;
  const udp = await Bun.udpSocket({ hostname: fromIp, port: 0 });
  opened.push({ close: () => udp.close() });
  udp.send(packet, to.localAddress.port, "127.0.0.1");
  await waitFor(() => to.stats().packetsReceived > before, 3000, "the packet to arrive");
}

const limits = { incomingPerPeerMax: 2, incomingPerMemberMax: 5 };
const ping = { type: "ping", seqNo: 1, node: "b", sourceAddr: "127.0.0.1", sourcePort: 1 } as const;

describe("streams from gossiping members", () => {
  test("an IP that sent a valid gossip packet may hold incomingPerMemberMax streams; another IP keeps incomingPerPeerMax", async () => {
    const b = await net({ streamLimits: limits });
    await sendPing(b, "127.0.0.3", encodePacket([ping], { compression: false, crc: false }));
    await holdStreams(b.localAddress.port, "127.0.0.3", 7);
    await holdStreams(b.localAddress.port, "127.0.0.4", 4);
    await waitFor(() => b.stats().streamFailuresByReason.too_many_from_peer === 4, 3000, "the streams over the bounds to be refused");
    expect(b.stats().streamsActive).toBe(7);
  });

  test("with a key, a plaintext packet vouches for nothing", async () => {
    const b = await net({ streamLimits: limits, keyring: createKeyring([new Uint8Array(32).fill(7)]) });
    await sendPing(b, "127.0.0.3", encodePacket([ping], { compression: false, crc: false }));
    await holdStreams(b.localAddress.port, "127.0.0.3", 4);
    await waitFor(() => b.stats().streamFailuresByReason.too_many_from_peer === 2, 3000, "the streams over the per-peer bound to be refused");
    expect(b.stats().streamsActive).toBe(2);
  });
});
