import { describe, expect, test } from "bun:test";
import { MembershipSim } from "../sim/membership-cluster.ts";

describe("membership over the simulated network", () => {
  test("10 nodes joining one seed converge", async () => {
    const sim = new MembershipSim({ seed: 3 });
    await sim.startCluster(10);
    const names = [...sim.nodes.keys()];
    const took = await sim.advanceUntil(() => sim.converged(names), 10_000);
    expect(took).toBeGreaterThanOrEqual(0);
  });

  test("a killed node is declared dead by everyone", async () => {
    const sim = new MembershipSim({ seed: 4 });
    await sim.startCluster(10);
    const names = [...sim.nodes.keys()];
    expect(await sim.advanceUntil(() => sim.converged(names), 10_000)).toBeGreaterThanOrEqual(0);
    await sim.clock.advance(2000);
    const victim = sim.nodes.get("node-5")!;
    await victim.membership.shutdown();
    const rest = names.filter((n) => n !== "node-5");
    const took = await sim.advanceUntil(() => sim.converged(rest), 60_000);
    expect(took).toBeGreaterThan(0);
    for (const m of sim.live()) expect(m.membership.member("node-5")?.state).toBe("dead");
    console.log("detect ms", took);
  });
});

describe("join dissemination", () => {
  test("a joiner gossips its alive message as soon as its join exchange succeeded", async () => {
    const sim = new MembershipSim({ seed: 12, configure: (c) => ({ ...c, joinSyncDelaysMs: [] }) });
    await sim.startCluster(2);
    expect(await sim.advanceUntil(() => sim.converged(["node-0", "node-1"]), 5_000)).toBeGreaterThanOrEqual(0);
    await sim.clock.advance(10_000);
    const joiner = sim.add(2);
    let joinedAt = -1;
    void joiner.membership.join([sim.nodes.get("node-0")!.address]).then(() => (joinedAt = sim.clock.monotonicMs()));
    expect(await sim.advanceUntil(() => joinedAt >= 0, 1_000, 1)).toBeGreaterThanOrEqual(0);
    // node-1 can only hear of node-2 by gossip; the next regular gossip tick may be 200 ms away.
    const heard = await sim.advanceUntil(() => sim.nodes.get("node-1")!.membership.member("node-2")?.state === "alive", 1_000, 1);
    expect(heard).toBeGreaterThanOrEqual(0);
    expect(heard).toBeLessThanOrEqual(10);
  });
});

describe("push/pull timing", () => {
  test("like memberlist, the first periodic exchange comes one whole interval after the stagger", async () => {
    const sim = new MembershipSim({ seed: 9, configure: (c) => ({ ...c, joinSyncDelaysMs: [] }) });
    await sim.startCluster(3);
    const streams = () => sim.live().reduce((sum, m) => sum + m.net.stats().streamsOpened, 0);
    expect(await sim.advanceUntil(() => sim.converged([...sim.nodes.keys()]), 5_000)).toBeGreaterThanOrEqual(0);
    expect(streams()).toBe(2); // the two joins
    await sim.clock.advance(29_900 - sim.clock.monotonicMs());
    expect(streams()).toBe(2);
    await sim.clock.advance(60_000 - sim.clock.monotonicMs());
    expect(streams()).toBe(2 + 3);
    await sim.clock.advance(90_000 - sim.clock.monotonicMs());
    expect(streams()).toBe(2 + 6);
  });
});

describe("membership probes", () => {
  test("a broken direct path is bridged by indirect pings (no TCP), so nobody is suspected", async () => {
    const sim = new MembershipSim({ seed: 5, configure: (c) => ({ ...c, disableTcpPings: true }) });
    await sim.startCluster(8);
    const names = [...sim.nodes.keys()];
    expect(await sim.advanceUntil(() => sim.converged(names), 10_000)).toBeGreaterThanOrEqual(0);
    sim.network.setLink(MembershipSim.ipOf(1), MembershipSim.ipOf(2), { lossRate: 1 });
    await sim.clock.advance(60_000);
    expect(sim.events.filter((e) => e.kind === "leave")).toEqual([]);
    expect(sim.nodes.get("node-1")!.membership.member("node-2")?.state).toBe("alive");
  });

  test("the ping delegate gets the RTT and the peer's ack payload of direct probes", async () => {
    const sim = new MembershipSim({ seed: 6, link: { delayMs: 5, jitterMs: 0 } });
    const rtts: { node: string; rttMs: number; payload: number[] }[] = [];
    sim.add(0, { ping: { ackPayload: () => new Uint8Array([1, 0]), notifyPingComplete: () => {} } });
    const probing = sim.add(1, {
      ping: { ackPayload: () => new Uint8Array([1, 1]), notifyPingComplete: (node, rttMs, payload) => void rtts.push({ node: node.name, rttMs, payload: [...payload] }) },
    });
    await sim.clock.advance(10);
    void probing.membership.join([sim.nodes.get("node-0")!.address]);
    await sim.clock.advance(5000);
    expect(rtts.length).toBeGreaterThanOrEqual(3);
    expect(rtts.every((r) => r.node === "node-0" && r.rttMs === 10 && r.payload.join() === "1,0")).toBe(true);
  });

  test("a node that cannot send UDP raises its own awareness (missing nacks) without TCP pings", async () => {
    const sim = new MembershipSim({ seed: 7, configure: (c) => ({ ...c, disableTcpPings: true }) });
    await sim.startCluster(6);
    const names = [...sim.nodes.keys()];
    expect(await sim.advanceUntil(() => sim.converged(names), 10_000)).toBeGreaterThanOrEqual(0);
    sim.network.blockUdp(MembershipSim.ipOf(3), true);
    await sim.clock.advance(4000);
    const own = sim.nodes.get("node-3")!.membership.health().awareness;
    // the others probing node-3 get nacks from their relays in time (only node-3 as a relay
    // stays silent), so they blame themselves much less
    const others = sim.live().filter((m) => m.name !== "node-3").map((m) => m.membership.health().awareness);
    expect(own).toBeGreaterThanOrEqual(3);
    expect(Math.max(...others)).toBeLessThanOrEqual(1);
  });

  test("a falsely suspected node refutes with a higher incarnation and stays alive", async () => {
    const sim = new MembershipSim({ seed: 8 });
    await sim.startCluster(5);
    const names = [...sim.nodes.keys()];
    expect(await sim.advanceUntil(() => sim.converged(names), 10_000)).toBeGreaterThanOrEqual(0);
    const before = sim.nodes.get("node-2")!.membership.localNode().incarnation;
    // node-2 drops everything for 1.5 s: probes of it fail and it gets suspected
    sim.network.partition([[MembershipSim.ipOf(2)]]);
    const suspected = () => sim.live().some((m) => m.membership.member("node-2")?.state === "suspect");
    expect(await sim.advanceUntil(suspected, 10_000, 10)).toBeGreaterThanOrEqual(0);
    sim.network.heal();
    await sim.clock.advance(10_000);
    expect(sim.nodes.get("node-2")!.membership.localNode().incarnation).toBeGreaterThan(before);
    expect(sim.live().every((m) => m.membership.member("node-2")?.state === "alive")).toBe(true);
    expect(sim.events.filter((e) => e.kind === "leave")).toEqual([]);
  });
});

describe("membership join and leave", () => {
  test("join rejects with join_failed when no seed answers", async () => {
    const sim = new MembershipSim({ seed: 9 });
    const lone = sim.add(0);
    const joining = lone.membership.join([{ ip: "10.9.9.9", port: 7946 }]);
    joining.catch(() => {});
    await sim.clock.advance(100);
    await expect(joining).rejects.toMatchObject({ code: "join_failed" });
  });

  test("a graceful leave is seen as left by everyone and leave() resolves once it went out", async () => {
    const sim = new MembershipSim({ seed: 10 });
    await sim.startCluster(10);
    const names = [...sim.nodes.keys()];
    expect(await sim.advanceUntil(() => sim.converged(names), 10_000)).toBeGreaterThanOrEqual(0);
    let left = false;
    void sim.nodes.get("node-4")!.membership.leave(5000).then(() => (left = true));
    expect(await sim.advanceUntil(() => left, 5000, 10)).toBeLessThan(5000);
    await sim.nodes.get("node-4")!.membership.shutdown();
    await sim.clock.advance(30_000);
    for (const m of sim.live()) expect(m.membership.member("node-4")?.state).toBe("left");
    expect(sim.events.filter((e) => e.node === "node-4" && e.kind === "leave").every((e) => e.state === "left")).toBe(true);
  });

  test("meta larger than the limit is refused at start", () => {
    const sim = new MembershipSim({ seed: 11 });
    const big = { nodeMeta: () => new Uint8Array(600), notifyMsg: () => {}, getBroadcasts: () => [], localState: () => new Uint8Array(), mergeRemoteState: () => {} };
    expect(() => sim.add(0, { delegate: big })).toThrow(/more than the limit of 512/);
  });
});
