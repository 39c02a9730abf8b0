import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { PushPullMessage } from "../../src/membership/messages.ts";
import { systemClock } from "../../src/platform/clock.ts";
import { silentLogger } from "../../src/platform/logger.ts";
import { createUdpTcpGossipNet, type UdpTcpGossipNet } from "../../src/membership/udp-tcp-net.ts";
import { type SerfAgent, serfAvailable, startSerf, waitFor } from "./serf-agent.ts";
import { fakeNodeHandlers, fakePushPull, nextPacket, type Received } from "./serf-fake-node.ts";

/** 16-byte addresses on the wire: serf bound to ::1 and our net on ::1. */
async function ipv6Loopback(): Promise<boolean> {
  try {
    (await Bun.udpSocket({ hostname: "::1", port: 0 })).close();
    return true;
  } catch {
    return false;
  }
}
const canRun = serfAvailable() && (await ipv6Loopback());
if (!canRun) console.warn("SKIP IPv6 serf interop: needs the serf binary and an IPv6 loopback");

describe.skipIf(!canRun)("interop with the real serf agent over IPv6", () => {
  let serf: SerfAgent;
  let net: UdpTcpGossipNet;
  const inbox: Received[] = [];

  beforeAll(async () => {
    serf = await startSerf({ name: "s6", bindIp: "::1" });
    net = await createUdpTcpGossipNet({ bindAddr: "::1", bindPort: 0, compression: true, logger: silentLogger, clock: systemClock });
    net.setHandlers(fakeNodeHandlers(net, "fake6", inbox));
  });

  afterAll(async () => {
    await net?.close();
    await serf?.stop();
  });

  test("push/pull join with IPv6 addresses; serf lists us at [::1] and probes us there", async () => {
    const reply = (await net.sendStream(serf.bind, fakePushPull(net, "fake6", true), { timeoutMs: 5000, expectReply: true })) as PushPullMessage;
    expect(reply.nodes.find((n) => n.name === "s6")).toMatchObject({ addr: "::1", port: serf.bind.port });
    await waitFor(async () => (await serf.members()).some((m) => m.name === "fake6" && m.addr === `[::1]:${net.localAddress.port}` && m.status === "alive"), 5000, "serf to list fake6", serf.log);
    const ping = await nextPacket(inbox, (m): m is Extract<typeof m, { type: "ping" }> => m.type === "ping" && m.node === "fake6", "serf's probe over IPv6");
    expect(ping.sourceAddr).toBe("::1");
  });
});
