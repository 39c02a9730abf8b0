import { describe, expect, test } from "bun:test";
import type { PingDelegate } from "../../src/membership/delegates.ts";
import { memberlistSimWire } from "../../src/membership/sim-wire.ts";
import { encodePacket } from "../../src/membership/wire/packet.ts";
import { MembershipSim } from "../sim/membership-cluster.ts";

/**
 * Lifeguard's local health (awareness) as memberlist applies it: it stretches how long one
 * probe waits for an answer, not how often probes start, and every answered probe (direct,
 * indirect or TCP) lowers it. A node that does otherwise probes a killed peer late, and at
 * small N the suspicion then lacks the confirmations that shorten it.
 */
const FORGER = { ip: "10.66.6.6", port: 7946 };

interface Cluster {
  sim: MembershipSim;
  /** Times node-0's direct probes were acked. */
  acked: number[];
}

async function cluster(n: number, seed: number): Promise<Cluster> {
  const sim = new MembershipSim({ seed, wire: memberlistSimWire });
  const acked: number[] = [];
  const ping: PingDelegate = { ackPayload: () => new Uint8Array(), notifyPingComplete: () => void acked.push(sim.clock.monotonicMs()) };
  sim.add(0, { ping });
  for (let i = 1; i < n; i++) void sim.add(i).membership.join([sim.nodes.get("node-0")!.address]).catch(() => {});
  expect(await sim.advanceUntil(() => sim.converged([...sim.nodes.keys()]), 10_000)).toBeGreaterThanOrEqual(0);
  await sim.clock.advance(10_000);
  return { sim, acked };
}

/** Accuses `name` `times` times, each at its current incarnation: each refutation raises its awareness by one. */
async function degrade(sim: MembershipSim, times: number, name = "node-0"): Promise<void> {
  const node = sim.nodes.get(name)!;
  for (let i = 0; i < times; i++) {
    const incarnation = node.membership.localNode().incarnation;
    sim.network.injectPacket(FORGER, node.address, encodePacket([{ type: "suspect", incarnation, node: name, from: "node-9" }], { compression: false, crc: false }));
    await sim.clock.advance(5);
  }
}

describe("probe awareness", () => {
  test("a degraded node still starts a probe every probe interval while its probes are answered", async () => {
    const { sim, acked } = await cluster(5, 31);
    await degrade(sim, 3);
    expect(sim.nodes.get("node-0")!.membership.health().awareness).toBe(3);
    const from = sim.clock.monotonicMs();
    await sim.clock.advance(4_500);
    // One probe per second (the first may wait up to a second): 4 or 5 in 4.5 s. Scaling the
    // interval too would start them 4, 3, 2 s apart: at most 2.
    expect(acked.filter((t) => t > from).length).toBeGreaterThanOrEqual(4);
    expect(sim.nodes.get("node-0")!.membership.health().awareness).toBe(0);
  });

  test("a probe answered only through an indirect ping lowers awareness", async () => {
    const { sim } = await cluster(3, 32);
    const node0 = sim.nodes.get("node-0")!;
    const ip = (name: string) => sim.nodes.get(name)!.address.ip;
    await degrade(sim, 7);
    expect(node0.membership.health().awareness).toBe(7);
    // node-0 and node-1 cannot reach each other directly; node-2 relays. Half of node-0's
    // probes are answered directly (node-2), half only through node-2 (node-1).
    sim.network.setLink(ip("node-0"), ip("node-1"), { lossRate: 1 });
    await sim.clock.advance(8_500);
    expect(node0.membership.health().awareness).toBe(0);
    expect(node0.membership.member("node-1")?.state).toBe("alive");
  });

  test("a probe answered only over TCP lowers awareness", async () => {
    const { sim } = await cluster(3, 33);
    const node0 = sim.nodes.get("node-0")!;
    await degrade(sim, 4);
    expect(node0.membership.health().awareness).toBe(4);
    sim.network.blockUdp(node0.address.ip, true);
    // A TCP answer is looked at when the probe's (scaled) wait ends: 5 + 4 + 3 + 2 + 1 s.
    await sim.clock.advance(16_000);
    expect(node0.membership.health().awareness).toBe(0);
  });

  test("a kill among degraded members is seen by all as soon as two confirmations allow", async () => {
    const { sim } = await cluster(5, 37);
    const survivors = ["node-0", "node-1", "node-2", "node-4"];
    for (const name of survivors) await degrade(sim, 6, name);
    await sim.nodes.get("node-3")!.membership.shutdown();
    const killedAt = sim.clock.monotonicMs();
    const allDead = () => survivors.every((name) => sim.nodes.get(name)!.membership.member("node-3")?.state === "dead");
    const took = await sim.advanceUntil(allDead, 40_000, 100);
    // memberlist's rules with every survivor at score 6: the first failed probe ends 7 s after
    // it starts (at most 8 s after the kill), then 4 s of suspicion with both confirmations.
    expect(took).toBeGreaterThan(0);
    expect(sim.clock.monotonicMs() - killedAt).toBeLessThanOrEqual(12_500);
  });
});
