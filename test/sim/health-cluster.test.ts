import { describe, expect, test } from "bun:test";
import { timeDriftKind, timeDriftOptions } from "../../src/checkers/time-drift.ts";
import { silentLogger } from "../../src/platform/logger.ts";
import { testEnv } from "../checkers/_helpers.ts";
import { HealthSim } from "./health-cluster.ts";

/**
 * 50 simulated agents (the real cluster member code, the real serf wire codec, a seeded
 * simulated network): every surviving agent's /status converges to the right verdict and
 * summary after each fault, and back to running after each repair.
 */
describe("cluster status from any node, fed by gossip (simulation, 50 agents)", () => {
  test("probe failure, master kill, partition, heal, clock skew", async () => {
    const sim = new HealthSim(4);
    // 50 nodes; node-0 is the only master; node-3's wall clock runs 1.5 s ahead.
    await sim.startCluster(50);
    sim.nodes.get("node-3")!.skewMs = 1500;
    const everyoneSeesAll = () => sim.running().every((n) => sim.statusOn(n.name).nodes?.length === 50);
    expect(await sim.advanceUntil(() => everyoneSeesAll() && sim.allAgree("running", ""), 60_000)).toBeGreaterThanOrEqual(0);

    // A failing critical probe on one node: everyone says degraded, naming it, with its probe.
    sim.setHealth("node-7", "degraded", [{ checker: "docker", status: "failed", error: "down" }]);
    expect(await sim.advanceUntil(() => sim.allAgree("degraded", "degraded nodes: node-7"), 30_000)).toBeGreaterThanOrEqual(0);
    // The verdict travels in the digest; the full probe list (with the error text) follows as a delta.
    const node7On30 = () => JSON.stringify(sim.statusOn("node-30").nodes?.find((n) => n.name === "node-7")?.probes);
    expect(await sim.advanceUntil(() => node7On30() === JSON.stringify([{ checker: "docker", status: "failed", error: "down" }]), 30_000)).toBeGreaterThanOrEqual(0);
    sim.setHealth("node-7", "running", []);
    expect(await sim.advanceUntil(() => sim.allAgree("running", ""), 30_000)).toBeGreaterThanOrEqual(0);

    // Clock skew of node-3 is measured by the others from the wall clock in its acks.
    // Each node probes each peer about once per round of 50 probe intervals.
    const offsetsOfNode3 = () => sim.running().filter((n) => n.name !== "node-3").map((n) => n.member.peers.snapshot().find((p) => p.name === "node-3")?.clockOffsetMs).filter((o) => o !== undefined) as number[];
    expect(await sim.advanceUntil(() => offsetsOfNode3().length === 49, 120_000)).toBeGreaterThanOrEqual(0);
    const offsets = offsetsOfNode3();
    for (const o of offsets) expect(Math.abs(o - 1500)).toBeLessThan(10);
    const observer = sim.nodes.get("node-20")!;
    const drift = timeDriftKind().create(timeDriftOptions().parse({}), testEnv("/", { nodeName: "node-20" }, () => observer.member.peers.snapshot()));
    const found = await drift({ signal: new AbortController().signal, clock: sim.clock, logger: silentLogger });
    expect(found.map((o) => [o.status, o.detail])).toEqual([["failed", "node-3"]]);

    // Kill the master: every survivor says so.
    await sim.kill("node-0");
    expect(await sim.advanceUntil(() => sim.allAgree("degraded", "master node unavailable; failed nodes: node-0"), 60_000)).toBeGreaterThanOrEqual(0);
    const timeline = sim.nodes.get("node-11")!.events.map((e) => `${e.type}:${e.node ?? ""}`);
    expect(timeline).toContain("NodeDegraded:node-0");
    expect(timeline).toContain("ClusterDegraded:");

    // A new master joins: the master problem is gone everywhere.
    sim.add(50, "master").member.serf.join([{ ip: HealthSim.ipOf(1), port: 7946 }]).catch(() => {});
    // Old members still report node-0 failed until it is reaped; the newcomer never met it.
    const veterans = sim.running().map((n) => n.name).filter((n) => n !== "node-50");
    expect(await sim.advanceUntil(() => sim.allAgree("degraded", "failed nodes: node-0", veterans) && sim.allAgree("running", "", ["node-50"]), 60_000)).toBeGreaterThanOrEqual(0);

    // Partition 10 nodes (incl. the new master) from the other 39.
    const minority = ["node-50", ...Array.from({ length: 9 }, (_, i) => `node-${41 + i}`)];
    const majority = sim.running().map((n) => n.name).filter((n) => !minority.includes(n));
    sim.network.partition([minority.map((n) => sim.nodes.get(n)!.ip), majority.map((n) => sim.nodes.get(n)!.ip)]);
    expect(await sim.advanceUntil(() => sim.allAgree("degraded", /^master node unavailable; failed nodes: .*node-50/, majority), 90_000)).toBeGreaterThanOrEqual(0);
    expect(await sim.advanceUntil(() => sim.allAgree("degraded", /^failed nodes: (.*, )?node-1(,|$)/, minority), 90_000)).toBeGreaterThanOrEqual(0);

    // Heal: failed members are reconnected, every node sees everyone alive again.
    sim.network.heal();
    expect(await sim.advanceUntil(() => sim.allAgree("degraded", "failed nodes: node-0", veterans) && sim.allAgree("running", "", ["node-50"]), 180_000)).toBeGreaterThanOrEqual(0);
  }, 120_000);
});
