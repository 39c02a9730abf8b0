import { describe, expect, test } from "bun:test";
import { EVENTS_PER_LTIME_MAX, UserEventBuffer } from "../../src/cluster/serf-event-buffer.ts";
import { LamportClock, LTIME_JUMP_MAX, LTIME_MAX } from "../../src/cluster/serf-lamport.ts";
import type { SerfCodec, SerfOutgoingMessage, TagCodec } from "../../src/cluster/serf-messages.ts";
import { decodeSerfMessage, encodeSerfMessage, decodeTags, encodeTags } from "../../src/cluster/serf-wire.ts";
import { tagsProblem } from "../../src/cluster/serf-wire-meta.ts";
import { memberlistSimWire } from "../../src/membership/sim-wire.ts";
import { encodeMessage, encodePacket, MessageType, MsgpackWriter } from "../../src/membership/wire/index.ts";
import { SerfSim } from "../sim/serf-cluster.ts";

/** Forged serf messages in a simulated cluster running the real memberlist and serf codecs. */
const codec: SerfCodec = { encode: encodeSerfMessage, decode: decodeSerfMessage };
const tagCodec: TagCodec = { encode: encodeTags, decode: decodeTags };
const FORGER = { ip: "10.66.6.6", port: 7946 };

async function cluster(n: number, seed: number): Promise<SerfSim> {
  const sim = new SerfSim({ seed, codec, tagCodec, wire: memberlistSimWire, encodedSize: (m) => encodeMessage(m).length });
  await sim.startCluster(n);
  expect(await sim.advanceUntil(() => sim.converged(), 20_000)).toBeGreaterThanOrEqual(0);
  return sim;
}

function forgeSerf(sim: SerfSim, to: string, msg: SerfOutgoingMessage): void {
  const bytes = encodePacket([{ type: "user", payload: encodeSerfMessage(msg) }], { compression: false, crc: false });
  sim.network.injectPacket(FORGER, sim.nodes.get(to)!.address, bytes);
}

function nobodyLeaving(sim: SerfSim): boolean {
  return sim.running().every((n) => n.serf.members().every((m) => m.status === "alive"));
}

describe("forged serf Lamport times", () => {
  test("a leave with LTime 2^53-1 leaves nobody stuck in leaving; a believable one is refuted", async () => {
    const sim = await cluster(4, 51);
    for (const to of ["node-1", "node-2"]) {
      forgeSerf(sim, to, { type: "leave", ltime: 2 ** 53 - 1, node: "node-2", prune: false });
      forgeSerf(sim, to, { type: "leave", ltime: LTIME_MAX, node: "node-2", prune: false });
      forgeSerf(sim, to, { type: "join", ltime: LTIME_MAX, node: "node-3" });
    }
    await sim.clock.advance(2_000);
    expect(nobodyLeaving(sim)).toBe(true);
    const node1 = sim.nodes.get("node-1")!.serf.health();
    expect(node1.decodeErrors).toBe(1);
    expect(node1.intentsRejected.implausible_ltime).toBe(2);
    forgeSerf(sim, "node-1", { type: "leave", ltime: 1000, node: "node-2", prune: false });
    await sim.clock.advance(50);
    expect(sim.statusOf("node-1", "node-2")).toBe("leaving");
    // node-2 hears the re-gossiped leave and answers with a newer join intent.
    expect(await sim.advanceUntil(() => nobodyLeaving(sim), 10_000)).toBeGreaterThanOrEqual(0);
    expect(sim.memberEvents("member-leave")).toEqual([]);
  });

  test("times from the network are bounded before they move a clock", () => {
    const clock = new LamportClock();
    clock.witness(10);
    expect(clock.isPlausible(11 + LTIME_JUMP_MAX - 1)).toBe(true);
    expect(clock.isPlausible(11 + LTIME_JUMP_MAX + 1)).toBe(false);
    clock.witness(2 ** 53 - 1);
    expect(clock.time()).toBe(11);
    expect(() => decodeSerfMessage(encodeSerfMessage({ type: "join", ltime: LTIME_MAX + 1, node: "x" }))).toThrow(/LTime/);
  });
});

describe("forged serf user events", () => {
  test("distinct events sharing one LTime are bounded", () => {
    const buffer = new UserEventBuffer(512);
    const verdicts = Array.from({ length: EVENTS_PER_LTIME_MAX + 2 }, (_, i) => buffer.record(7, `e${i}`, new Uint8Array(), 8));
    expect(verdicts.filter((v) => v === "new").length).toBe(EVENTS_PER_LTIME_MAX);
    expect(verdicts.slice(-2)).toEqual(["slot-full", "slot-full"]);
    expect(buffer.collection()[0]?.events.length).toBe(EVENTS_PER_LTIME_MAX);
  });
});

describe("forged serf tags", () => {
  test("a member whose tags carry control characters or do not decode is refused", async () => {
    const sim = await cluster(3, 52);
    const alive = (node: string, meta: Uint8Array): Uint8Array => {
      const w = new MsgpackWriter();
      w.byte(MessageType.alive).struct([
        ["Addr", (x) => x.bin(Uint8Array.of(10, 7, 0, 1))],
        ["Incarnation", (x) => x.uint(1)],
        ["Meta", (x) => x.bin(meta)],
        ["Node", (x) => x.str(node)],
        ["Port", (x) => x.uint(7946)],
        ["Vsn", (x) => x.bin(Uint8Array.of(1, 5, 2, 2, 5, 5))],
      ]);
      return w.bytes();
    };
    const to = sim.nodes.get("node-1")!.address;
    sim.network.injectPacket(FORGER, to, alive("evil-1", encodeTags({ role: "node\u001b[2J" })));
    sim.network.injectPacket(FORGER, to, alive("evil-2", Uint8Array.of(0xff, 0x92, 1, 2)));
    sim.network.injectPacket(FORGER, to, alive("fine", encodeTags({ role: "node" })));
    await sim.clock.advance(2_000);
    expect(sim.nodes.get("node-1")!.serf.health().rejected.invalid_meta).toBe(2);
    expect(sim.statusOf("node-1", "evil-1")).toBeUndefined();
    expect(sim.statusOf("node-1", "evil-2")).toBeUndefined();
    expect(sim.statusOf("node-1", "fine")).toBe("alive");
  });

  test.each([
    ["plain", { role: "node" }, undefined],
    ["empty name", { "": "x" }, "a tag with an empty name"],
    ["NUL in a value", { role: "a\u0000b" }, "a tag with control characters"],
    ["C1 control in a name", { "k\u0085": "v" }, "a tag with control characters"],
    ["129 tags", Object.fromEntries(Array.from({ length: 129 }, (_, i) => [`t${i}`, ""])), "129 tags, more than 128"],
  ])("tags: %s", (_label, tags, problem) => {
    expect(tagsProblem(tags)).toBe(problem);
  });
});
