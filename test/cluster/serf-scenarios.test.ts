import { describe, expect, setDefaultTimeout, test } from "bun:test";
import { SerfSim } from "../sim/serf-cluster.ts";

// Simulated minutes of 30-node clusters take about a second of CPU each; on a shared 2-core
// machine that can stretch past bun's 5 s default. Nothing here waits on real time.
setDefaultTimeout(30_000);

/** Deterministic failure scenarios of 10-30 node clusters on simulated time (LAN defaults). */
describe("serf scenarios (simulated)", () => {
  const converge = async (sim: SerfSim, limitMs = 30_000) => {
    expect(await sim.advanceUntil(() => sim.converged(), limitMs)).toBeGreaterThanOrEqual(0);
  };

  test("a killed node is seen as failed by everyone within the suspicion bounds", async () => {
    const sim = new SerfSim({ seed: 12 });
    await sim.startCluster(20);
    await converge(sim);
    await sim.clock.advance(5000);
    const killedAt = sim.clock.monotonicMs();
    await sim.kill("node-3");
    const took = await sim.advanceUntil(() => sim.allSee({ "node-3": "failed" }), 60_000);
    // probe round (<= n probe intervals) + suspicion between min (5.2 s) and max (31 s) for n = 20
    expect(took).toBeGreaterThan(5000);
    expect(took).toBeLessThan(40_000);
    const observers = new Set(sim.memberEvents("member-failed", "node-3").map((e) => e.observer));
    expect(observers.size).toBe(19);
    expect(sim.memberEvents("member-failed").every((e) => e.atMs >= killedAt)).toBe(true);
  });

  test("graceful leaves under 10% loss are seen as left and never as failed", async () => {
    const sim = new SerfSim({ seed: 13, link: { delayMs: 1, jitterMs: 2, lossRate: 0.1 } });
    await sim.startCluster(20);
    await converge(sim);
    const leavers = ["node-4", "node-9", "node-15", "node-18"];
    for (const name of leavers) {
      const node = sim.nodes.get(name)!;
      const leaving = node.serf.leave().then(() => node.serf.shutdown());
      expect(await sim.advanceUntil(() => sim.allSee({ [name]: "left" }), 30_000)).toBeGreaterThanOrEqual(0);
      await sim.settle(leaving);
    }
    await sim.clock.advance(90_000);
    expect(sim.memberEvents("member-failed")).toEqual([]);
    expect(sim.allSee(Object.fromEntries(leavers.map((n) => [n, "left"])))).toBe(true);
    for (const name of leavers) expect(sim.nodes.get(name)!.snapshots.peers).toEqual([]);
  });

  test("five concurrent graceful leaves under 30% loss are never reported failed", async () => {
    const sim = new SerfSim({ seed: 101, link: { delayMs: 1, jitterMs: 4, lossRate: 0.3 } });
    await sim.startCluster(30);
    await converge(sim, 60_000);
    const leavers = [3, 7, 11, 15, 19].map((i) => sim.nodes.get(`node-${i}`)!);
    await sim.settle(Promise.all(leavers.map((n) => n.serf.leave().then(() => n.serf.shutdown()))));
    expect(await sim.advanceUntil(() => sim.allSee(Object.fromEntries(leavers.map((n) => [n.name, "left"]))), 30_000)).toBeGreaterThanOrEqual(0);
    await sim.clock.advance(60_000);
    expect(sim.memberEvents("member-failed")).toEqual([]);
  });

  test("a leave right after peers died still reaches the one live peer (gossip to the dead would eat the retransmits)", async () => {
    for (let seed = 1; seed <= 12; seed++) {
      const sim = new SerfSim({ seed: 200 + seed });
      await sim.startCluster(4);
      await converge(sim);
      await sim.kill("node-2");
      await sim.kill("node-3");
      expect(await sim.advanceUntil(() => sim.allSee({ "node-2": "failed", "node-3": "failed" }), 60_000)).toBeGreaterThan(0);
      await sim.leaveAndStop("node-1");
      await sim.clock.advance(30_000);
      expect([seed, sim.statusOf("node-0", "node-1")]).toEqual([seed, "left"]);
      expect(sim.memberEvents("member-failed", "node-1")).toEqual([]);
    }
  });

  test("10% packet loss for 3 simulated minutes: no false failures", async () => {
    const sim = new SerfSim({ seed: 14, link: { delayMs: 1, jitterMs: 4, lossRate: 0.1 } });
    await sim.startCluster(30);
    await converge(sim);
    await sim.clock.advance(180_000);
    expect(sim.memberEvents("member-failed")).toEqual([]);
    expect(sim.converged()).toBe(true);
  });

  test("30% packet loss: TCP fallback keeps everyone alive; detection of a real failure still works", async () => {
    const sim = new SerfSim({ seed: 15, link: { delayMs: 1, jitterMs: 4, lossRate: 0.3 } });
    await sim.startCluster(30);
    await converge(sim, 60_000);
    await sim.clock.advance(180_000);
    expect(sim.memberEvents("member-failed")).toEqual([]);
    await sim.kill("node-11");
    expect(await sim.advanceUntil(() => sim.allSee({ "node-11": "failed" }), 120_000)).toBeGreaterThan(0);
    expect(new Set(sim.memberEvents("member-failed").map((e) => (e.event.type === "user" ? "" : e.event.member.name)))).toEqual(new Set(["node-11"]));
  });

  test("30% loss over UDP only (TCP pings off): some false failures (Lifeguard cannot hide them all), all healed", async () => {
    const sim = new SerfSim({
      seed: 15,
      link: { delayMs: 1, jitterMs: 4, lossRate: 0.3 },
      configure: (c) => ({ ...c, membership: { ...c.membership, disableTcpPings: true } }),
    });
    await sim.startCluster(30);
    await converge(sim, 60_000);
    await sim.clock.advance(180_000);
    const failed = sim.memberEvents("member-failed");
    // seed 15: 12 failed events about 3 nodes in 3 minutes; each came back (refuted, rejoined)
    expect(failed.length).toBeGreaterThan(0);
    for (const e of failed) {
      const name = e.event.type === "user" ? "" : e.event.member.name;
      expect(sim.events.some((j) => j.observer === e.observer && j.atMs > e.atMs && j.event.type === "member-join" && j.event.member.name === name)).toBe(true);
    }
    expect(await sim.advanceUntil(() => sim.converged(), 60_000)).toBeGreaterThanOrEqual(0);
  });

  test("a partition makes each side see the other failed; after healing both sides are whole again", async () => {
    const sim = new SerfSim({ seed: 21 });
    await sim.startCluster(10);
    await converge(sim);
    const left = [0, 1, 2, 3, 4].map(SerfSim.ipOf);
    const right = [5, 6, 7, 8, 9].map(SerfSim.ipOf);
    sim.network.partition([left, right]);
    const sides = () =>
      [0, 1, 2, 3, 4].every((a) => [5, 6, 7, 8, 9].every((b) => sim.statusOf(`node-${a}`, `node-${b}`) === "failed" && sim.statusOf(`node-${b}`, `node-${a}`) === "failed"));
    expect(await sim.advanceUntil(sides, 120_000)).toBeGreaterThan(0);
    await sim.clock.advance(60_000);
    sim.network.heal();
    // healed by the reconnect loop (every 30 s) plus gossip; no manual join
    const healed = await sim.advanceUntil(() => sim.converged(), 120_000, 100);
    expect(healed).toBeGreaterThanOrEqual(0);
  });

  test("a crashed node restarted with its snapshot rejoins by itself", async () => {
    const sim = new SerfSim({ seed: 22 });
    await sim.startCluster(10);
    await converge(sim);
    await sim.clock.advance(5000);
    expect(sim.nodes.get("node-6")!.snapshots.peers.map((p) => p.name).sort()).toEqual(
      [0, 1, 2, 3, 4, 5, 7, 8, 9].map((i) => `node-${i}`).sort(),
    );
    await sim.kill("node-6");
    expect(await sim.advanceUntil(() => sim.allSee({ "node-6": "failed" }), 60_000)).toBeGreaterThan(0);
    await sim.add(6);
    expect(await sim.advanceUntil(() => sim.converged(), 30_000)).toBeGreaterThanOrEqual(0);
    expect(sim.memberEvents("member-join", "node-6").filter((e) => e.observer === "node-0").length).toBe(2);
  });

  test("UDP blocked for one node: not declared failed thanks to TCP pings, and it reports udpSeemsBlocked", async () => {
    const sim = new SerfSim({ seed: 23 });
    await sim.startCluster(10);
    await converge(sim);
    sim.network.blockUdp(SerfSim.ipOf(4), true);
    await sim.clock.advance(120_000);
    expect(sim.memberEvents("member-failed")).toEqual([]);
    expect(sim.converged()).toBe(true);
    expect(sim.nodes.get("node-4")!.serf.health()).toMatchObject({ udpSeemsBlocked: true });
    expect(sim.nodes.get("node-3")!.serf.health()).toMatchObject({ udpSeemsBlocked: false });
    sim.network.blockUdp(SerfSim.ipOf(4), false);
    await sim.clock.advance(20_000);
    expect(sim.nodes.get("node-4")!.serf.health().udpSeemsBlocked).toBe(false);
  });

  test.each([0, 0.2])("a burst of 100 joins within one second converges in seconds without periodic push/pull (loss %d)", async (lossRate) => {
    const sim = new SerfSim({
      seed: 27,
      link: { delayMs: 1, jitterMs: 2, lossRate },
      configure: (c) => ({ ...c, membership: { ...c.membership, pushPullIntervalMs: 0 } }),
    });
    await sim.add(0);
    await sim.clock.advance(1000);
    const seed = sim.nodes.get("node-0")!.address;
    for (let i = 1; i <= 100; i++) {
      const node = await sim.add(i);
      void node.serf.join([seed]).catch(() => {});
      await sim.clock.advance(10);
    }
    const took = await sim.advanceUntil(() => sim.converged(), 10_000, 100);
    expect(took).toBeGreaterThanOrEqual(0);
    expect(took).toBeLessThanOrEqual(5000);
  });
});
