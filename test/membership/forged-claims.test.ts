import { describe, expect, test } from "bun:test";
import type { MembershipConfig } from "../../src/membership/config.ts";
import { INCARNATION_MAX } from "../../src/membership/incarnation.ts";
import type { GossipMessage } from "../../src/membership/messages.ts";
import { memberlistSimWire } from "../../src/membership/sim-wire.ts";
import { encodePacket } from "../../src/membership/wire/packet.ts";
import { MessageType } from "../../src/membership/wire/message-type.ts";
import { MsgpackWriter } from "../../src/membership/wire/msgpack-writer.ts";
import { MembershipSim } from "../sim/membership-cluster.ts";

/**
 * Forged gossip injected into a simulated cluster whose packets and streams go through the
 * real codec: no forged claim may evict, freeze or poison a node.
 */
const FORGER = { ip: "10.66.6.6", port: 7946 };

function forge(sim: MembershipSim, toNode: string, msgs: GossipMessage[]): void {
  sim.network.injectPacket(FORGER, sim.nodes.get(toNode)!.address, encodePacket(msgs, { compression: false, crc: false }));
}

/** An alive message as raw bytes, with fields the typed encoder would refuse (empty address). */
function rawAlive(fields: { node: string; addr: Uint8Array; port: number; meta?: Uint8Array; incarnation?: number }): Uint8Array {
  const w = new MsgpackWriter();
  w.byte(MessageType.alive).struct([
    ["Addr", (x) => x.bin(fields.addr)],
    ["Incarnation", (x) => x.uint(fields.incarnation ?? 1)],
    ["Meta", (x) => x.binOrNil(fields.meta ?? new Uint8Array())],
    ["Node", (x) => x.str(fields.node)],
    ["Port", (x) => x.uint(fields.port)],
    ["Vsn", (x) => x.bin(Uint8Array.of(1, 5, 2, 2, 5, 5))],
  ]);
  return w.bytes();
}

async function converged(n: number, seed: number, configure?: (c: MembershipConfig) => MembershipConfig): Promise<MembershipSim> {
  const sim = new MembershipSim({ seed, wire: memberlistSimWire, configure });
  await sim.startCluster(n);
  expect(await sim.advanceUntil(() => sim.converged([...sim.nodes.keys()]), 10_000)).toBeGreaterThanOrEqual(0);
  return sim;
}

function incarnationsOf(sim: MembershipSim, name: string): number[] {
  return sim.live().map((m) => m.membership.member(name)?.incarnation ?? -1);
}

function rejected(sim: MembershipSim, reason: string): number {
  return sim.live().reduce((sum, m) => sum + (m.membership.health().rejected as Record<string, number>)[reason]!, 0);
}

describe("forged incarnations", () => {
  test("suspect and dead at incarnation 2^32-1 neither evict nor freeze the node; it keeps refuting", async () => {
    const sim = await converged(5, 21);
    const names = [...sim.nodes.keys()];
    const before = Math.max(...incarnationsOf(sim, "node-2"));
    // Sent to the accused node itself and to its peers, as the attacker would.
    for (const to of ["node-2", "node-1", "node-4"]) forge(sim, to, [{ type: "suspect", incarnation: INCARNATION_MAX, node: "node-2", from: "node-0" }]);
    for (const to of ["node-3", "node-1"]) forge(sim, to, [{ type: "dead", incarnation: INCARNATION_MAX, node: "node-3", from: "node-3" }]);
    for (const to of ["node-4", "node-0"]) forge(sim, to, [{ type: "dead", incarnation: INCARNATION_MAX, node: "node-4", from: "node-1" }]);
    await sim.clock.advance(60_000);
    expect(sim.events.filter((e) => e.kind === "leave")).toEqual([]);
    expect(sim.converged(names)).toBe(true);
    expect(rejected(sim, "implausible_incarnation")).toBe(7);
    // Nothing unencodable went out (a refutation at 2^32 would be lost at the sender or dropped at peers).
    for (const m of sim.live()) expect(m.net.stats().packetsDropped).toBe(0);
    expect(Math.max(...incarnationsOf(sim, "node-2"))).toBe(before);

    // A believable accusation is still refuted, and the node's updates still reach everyone.
    forge(sim, "node-1", [{ type: "suspect", incarnation: before + 100, node: "node-2", from: "node-0" }]);
    await sim.clock.advance(10_000);
    expect(sim.converged(names)).toBe(true);
    expect(incarnationsOf(sim, "node-2")).toEqual(names.map(() => before + 101));
    const updated = sim.nodes.get("node-2")!.membership.updateNode(1000);
    await sim.clock.advance(5_000);
    await updated;
    expect(incarnationsOf(sim, "node-2")).toEqual(names.map(() => before + 102));
    expect(sim.events.filter((e) => e.kind === "leave")).toEqual([]);
  });

  test("a restarted node catches up with the incarnation its peers remember through its join reply", async () => {
    const sim = await converged(4, 22, (c) => ({ ...c, incarnationJumpMax: 4 }));
    for (let i = 1; i <= 5; i++) {
      forge(sim, "node-1", [{ type: "suspect", incarnation: 4 * i, node: "node-3", from: "node-0" }]);
      await sim.clock.advance(3_000);
    }
    expect(incarnationsOf(sim, "node-3")).toEqual([21, 21, 21, 21]);
    const old = sim.nodes.get("node-3")!;
    await old.membership.shutdown();
    sim.nodes.delete("node-3");
    const restarted = sim.add(3);
    const joined = restarted.membership.join([sim.nodes.get("node-0")!.address]);
    await sim.clock.advance(5_000);
    expect(await joined).toBe(1);
    // Its own start (incarnation 1) is far below what peers know: the reply of its join is believed.
    expect(incarnationsOf(sim, "node-3")).toEqual([22, 22, 22, 22]);
    expect(sim.converged(["node-0", "node-1", "node-2", "node-3"])).toBe(true);
  });
});

describe("forged member fields", () => {
  test("alive with an empty address, port 0, an over-long name or bad meta is dropped and counted; push/pull keeps working", async () => {
    const sim = await converged(3, 23, (c) => ({ ...c, membersMax: 5 }));
    const inject = (bytes: Uint8Array): void => sim.network.injectPacket(FORGER, sim.nodes.get("node-1")!.address, bytes);
    inject(rawAlive({ node: "ghost", addr: new Uint8Array(), port: 7946 }));
    inject(rawAlive({ node: "ghost", addr: Uint8Array.of(0, 0, 0, 0), port: 7946 }));
    inject(rawAlive({ node: "ghost", addr: Uint8Array.of(10, 0, 0, 9), port: 0 }));
    inject(rawAlive({ node: "g".repeat(256), addr: Uint8Array.of(10, 0, 0, 9), port: 7946 }));
    inject(rawAlive({ node: "bell\u0007", addr: Uint8Array.of(10, 0, 0, 9), port: 7946 }));
    inject(rawAlive({ node: "ghost", addr: Uint8Array.of(10, 0, 0, 9), port: 7946, meta: new Uint8Array(513) }));
    await sim.clock.advance(1_000);
    const counts = sim.nodes.get("node-1")!.membership.health().rejected;
    expect(counts).toMatchObject({ invalid_address: 2, invalid_port: 1, invalid_name: 2, invalid_meta: 1 });
    expect(sim.live().every((m) => m.membership.member("ghost") === undefined)).toBe(true);

    // Joining through the node that received them still works, and the periodic exchanges too.
    const joiner = sim.add(3);
    const joined = joiner.membership.join([sim.nodes.get("node-1")!.address]);
    await sim.clock.advance(60_000);
    expect(await joined).toBe(1);
    expect(sim.converged(["node-0", "node-1", "node-2", "node-3"])).toBe(true);

    // The table is bounded: forged members beyond membersMax are counted, not kept.
    for (let i = 0; i < 20; i++) inject(rawAlive({ node: `forged-${i}`, addr: Uint8Array.of(10, 9, 0, i + 1), port: 7946 }));
    await sim.clock.advance(100);
    expect(sim.nodes.get("node-1")!.membership.members().length).toBe(5);
    expect(sim.nodes.get("node-1")!.membership.health().rejected.table_full).toBe(19);
  });
});

describe("forged requests", () => {
  test("a flood of pings is answered at most requestsPerSecondMax a second; the rest is counted", async () => {
    const sim = await converged(3, 24, (c) => ({ ...c, requestsPerSecondMax: 20 }));
    const acks: number[] = [];
    const forger = sim.network.createNet(FORGER);
    forger.setHandlers({ onPacketMessage: (m) => void (m.type === "ack" && acks.push(m.seqNo)), onStreamMessage: async () => undefined });
    const flood = (from: number): void => {
      for (let i = 0; i < 100; i++) forge(sim, "node-1", [{ type: "ping", seqNo: from + i, node: "node-1", sourceAddr: FORGER.ip, sourcePort: FORGER.port }]);
    };
    flood(0);
    await sim.clock.advance(100);
    expect(acks.length).toBeGreaterThanOrEqual(19);
    expect(acks.length).toBeLessThanOrEqual(22);
    expect(sim.nodes.get("node-1")!.membership.health().requestsUnanswered).toBe(100 - acks.length);
    await sim.clock.advance(2_000);
    const before = acks.length;
    flood(1000);
    await sim.clock.advance(100);
    expect(acks.length - before).toBeGreaterThanOrEqual(19);
    // Probes among the members themselves kept working meanwhile.
    expect(sim.converged(["node-0", "node-1", "node-2"])).toBe(true);
  });
});
