import { describe, expect, test } from "bun:test";
import { appendAckTrailer, appendWallClock, readListHash, readWallClock, stripWallClock } from "../../src/cluster/ack-clock.ts";
import { deltaPayloads } from "../../src/cluster/delta-packets.ts";
import { PROBE_SYNC_LIMITS as L, type SharedCheck } from "../../src/cluster/probe-sync-messages.ts";
import { decodeSatelliteMessage, encodeSatelliteMessage } from "../../src/cluster/probe-sync-wire.ts";
import { satelliteRequest, withSatelliteMessages } from "../../src/cluster/satellite-channel.ts";
import { decodeAckPayload, zeroCoordinate, encodeAckPayload } from "../../src/cluster/serf-wire-meta.ts";
import type { GossipMessage } from "../../src/membership/messages.ts";
import { SimNetwork } from "../../src/membership/sim-net.ts";
import { memberlistSimWire } from "../../src/membership/sim-wire.ts";
import { ManualClock } from "../../src/platform/manual-clock.ts";
import { createSeededRandom } from "../../src/platform/random.ts";

describe("Satellite messages on the gossip net", () => {
  function setup() {
    const clock = new ManualClock();
    // Through the real codec: the bytes are memberlist user messages like serf's.
    const network = new SimNetwork({ clock, random: createSeededRandom(3), link: { delayMs: 1, jitterMs: 0 }, wire: memberlistSimWire });
    const a = network.createNet({ ip: "10.0.0.1", port: 7946 });
    const rawB = network.createNet({ ip: "10.0.0.2", port: 7946 });
    const toMemberlist: GossipMessage[] = [];
    const toSatellite: Uint8Array[] = [];
    const b = withSatelliteMessages(rawB, {
      onPacket: (payload) => void toSatellite.push(payload),
      onRequest: async (payload) => {
        const msg = decodeSatelliteMessage(payload);
        return msg.type === "nodeDetailsRequest" ? encodeSatelliteMessage({ type: "nodeDetailsReply", owner: msg.owner, probes: [], peers: [], metrics: [] }) : undefined;
      },
    });
    b.setHandlers({ onPacketMessage: (m) => void toMemberlist.push(m), onStreamMessage: async (m) => (toMemberlist.push(m), undefined) });
    a.setHandlers({ onPacketMessage: () => {}, onStreamMessage: async () => undefined });
    return { clock, a, b, toMemberlist, toSatellite };
  }

  test("Satellite's user messages go to Satellite, serf's and memberlist's to memberlist as before", async () => {
    const { clock, a, toMemberlist, toSatellite } = setup();
    const delta = encodeSatelliteMessage({ type: "probeDelta", owner: "n1", epoch: 5, base: 0, seq: 1, hash: 1, part: 0, parts: 1, checks: [], transitions: [] });
    const serfJoin = new Uint8Array([1, 0x82, 0xa5, ...new TextEncoder().encode("LTime"), 1, 0xa4, ...new TextEncoder().encode("Node"), 0xa2, 0x6e, 0x32]);
    a.sendPacket({ ip: "10.0.0.2", port: 7946 }, [{ type: "user", payload: delta }, { type: "user", payload: serfJoin }, { type: "ping", seqNo: 1, node: "n2" }]);
    await clock.advance(10);
    expect(toSatellite).toEqual([delta]);
    expect(toMemberlist.map((m) => m.type)).toEqual(["user", "ping"]);
    expect(toMemberlist[0]).toEqual({ type: "user", payload: serfJoin });
  });

  test("a request over a stream gets its reply on the same stream", async () => {
    const { clock, a } = setup();
    const reply = satelliteRequest(a, { ip: "10.0.0.2", port: 7946 }, { type: "nodeDetailsRequest", owner: "n2" }, 500);
    for (let i = 0; i < 10; i++) await clock.advance(1);
    expect(await reply).toEqual({ type: "nodeDetailsReply", owner: "n2", probes: [], peers: [], metrics: [] });
    // No reply (not a request it answers): the requester fails within its timeout.
    const none = satelliteRequest(a, { ip: "10.0.0.2", port: 7946 }, { type: "probeListRequest", owner: "n2", epoch: 0, covered: 0, hash: 0 }, 500);
    none.catch(() => {});
    await clock.advance(600);
    await expect(none).rejects.toThrow(/closed the stream without a reply/);
  });
});

describe("the ack trailer", () => {
  test("carries the wall clock and the list hash after serf's coordinate, which serf still decodes", () => {
    const coordinate = encodeAckPayload(zeroCoordinate());
    const payload = appendAckTrailer(coordinate, 1_700_000_000_123.5, 0xfedcba98);
    expect(readWallClock(payload)).toBe(1_700_000_000_123.5);
    expect(readListHash(payload)).toBe(0xfedcba98);
    expect(decodeAckPayload(stripWallClock(payload))).toEqual(zeroCoordinate());
    // The clock-only trailer (no hash) and a serf ack (nothing).
    const clockOnly = appendWallClock(coordinate, 42);
    expect(readWallClock(clockOnly)).toBe(42);
    expect(readListHash(clockOnly)).toBeUndefined();
    expect(readListHash(coordinate)).toBeUndefined();
  });
});

describe("a delta as packets", () => {
  const check = (name: string, textBytes: number): SharedCheck => ({ name, position: 0, seq: 1, probes: [{ status: "failed", error: "e".repeat(textBytes) }] });
  const delta = (checks: SharedCheck[]) => ({ base: 0, seq: checks.length, hash: 9, checks, transitions: [] });

  test("one packet when it fits, parts of one range when not, an announcement to pull when even that fails", () => {
    const small = deltaPayloads("n1", 5, delta([check("a", 100)]), 1300);
    expect(small).toHaveLength(1);
    expect(decodeSatelliteMessage(small[0]!)).toMatchObject({ parts: 1, part: 0, checks: [{ name: "a" }] });

    const split = deltaPayloads("n1", 5, delta(["a", "b", "c", "d", "e"].map((n) => check(n, 500))), 1300);
    expect(split.length).toBeGreaterThan(1);
    const parts = split.map((p) => decodeSatelliteMessage(p));
    expect(parts.map((p) => p.type === "probeDelta" && [p.part, p.parts, p.base, p.seq])).toEqual(split.map((_, i) => [i, split.length, 0, 5]));
    expect(parts.flatMap((p) => (p.type === "probeDelta" ? p.checks.map((c) => c.name) : []))).toEqual(["a", "b", "c", "d", "e"]);
    for (const p of split) expect(p.length).toBeLessThanOrEqual(1300);

    const many = Array.from({ length: L.checksMax }, (_, i) => check(`c${i}`, 500));
    const announced = deltaPayloads("n1", 5, delta(many), 1300);
    expect(announced).toHaveLength(1);
    expect(decodeSatelliteMessage(announced[0]!)).toMatchObject({ parts: 0, checks: [], seq: L.checksMax });
  });
});
