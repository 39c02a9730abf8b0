import { describe, expect, test } from "bun:test";
import type { GossipMessage } from "../../src/membership/messages.ts";
import { SimNetwork } from "../../src/membership/sim-net.ts";
import { ManualClock } from "../../src/platform/manual-clock.ts";
import { createSeededRandom } from "../../src/platform/random.ts";

function setup(lossRate = 0) {
  const clock = new ManualClock();
  const network = new SimNetwork({ clock, random: createSeededRandom(5), link: { delayMs: 2, jitterMs: 0, lossRate } });
  const a = network.createNet({ ip: "10.0.0.1", port: 7946 });
  const b = network.createNet({ ip: "10.0.0.2", port: 7946 });
  const inbox: GossipMessage[] = [];
  a.setHandlers({ onPacketMessage: () => {}, onStreamMessage: async () => undefined });
  b.setHandlers({ onPacketMessage: (m) => void inbox.push(m), onStreamMessage: async (m) => (m.type === "ping" ? { type: "ack", seqNo: m.seqNo, payload: new Uint8Array() } : undefined) });
  return { clock, network, a, b, inbox };
}

const ping = (seqNo: number): GossipMessage => ({ type: "ping", seqNo, node: "b" });

async function outcome(clock: ManualClock, p: Promise<unknown>): Promise<string> {
  let result = "pending";
  p.then(
    () => (result = "ok"),
    (e: { code?: string }) => (result = e.code ?? "error"),
  );
  await clock.advance(1000);
  return result;
}

describe("SimNetwork", () => {
  test("delivers after the link delay", async () => {
    const { clock, a, b, inbox } = setup();
    a.sendPacket(b.localAddress, [ping(1)]);
    await clock.advance(1);
    expect(inbox.length).toBe(0);
    await clock.advance(1);
    expect(inbox.length).toBe(1);
  });

  test("loses about lossRate of the packets, the same ones for the same seed", async () => {
    const { clock, network, a, b, inbox } = setup(0.3);
    for (let i = 0; i < 1000; i++) a.sendPacket(b.localAddress, [ping(i)]);
    await clock.advance(10);
    expect(inbox.length).toBeGreaterThan(650);
    expect(inbox.length).toBeLessThan(750);
    expect(network.totals().packetsLost).toBe(1000 - inbox.length);
    const again = setup(0.3);
    for (let i = 0; i < 1000; i++) again.a.sendPacket(again.b.localAddress, [ping(i)]);
    await again.clock.advance(10);
    expect(again.inbox.map((m) => (m.type === "ping" ? m.seqNo : -1))).toEqual(inbox.map((m) => (m.type === "ping" ? m.seqNo : -1)));
  });

  test("a partition drops packets and black-holes streams until healed", async () => {
    const { clock, network, a, b, inbox } = setup();
    network.partition([["10.0.0.1"], ["10.0.0.2"]]);
    a.sendPacket(b.localAddress, [ping(1)]);
    expect(await outcome(clock, a.sendStream(b.localAddress, ping(2), { timeoutMs: 500, expectReply: true }))).toBe("stream_timeout");
    expect(inbox.length).toBe(0);
    network.heal();
    a.sendPacket(b.localAddress, [ping(3)]);
    expect(await outcome(clock, a.sendStream(b.localAddress, ping(4), { timeoutMs: 500, expectReply: true }))).toBe("ok");
    expect(inbox.length).toBe(1);
  });

  test("a UDP block drops packets both ways but streams still work", async () => {
    const { clock, network, a, b, inbox } = setup();
    network.blockUdp("10.0.0.2", true);
    a.sendPacket(b.localAddress, [ping(1)]);
    expect(await outcome(clock, a.sendStream(b.localAddress, ping(2), { timeoutMs: 500, expectReply: true }))).toBe("ok");
    expect(inbox.length).toBe(0);
    expect(network.totals().packetsBlocked).toBe(1);
  });

  test("an address is reusable after its net closed (a restart), not before", async () => {
    const { network, b } = setup();
    expect(() => network.createNet(b.localAddress)).toThrow(/already in use/);
    await b.close();
    expect(network.createNet(b.localAddress).isClosed()).toBe(false);
  });

  test("a stream to an address where nothing listens is refused", async () => {
    const { clock, a } = setup();
    expect(await outcome(clock, a.sendStream({ ip: "10.0.0.9", port: 7946 }, ping(1), { timeoutMs: 500, expectReply: true }))).toBe("stream_refused");
  });
});
