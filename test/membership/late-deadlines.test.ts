import { describe, expect, test } from "bun:test";
import { AckRegistry } from "../../src/membership/ack-registry.ts";
import type { PingDelegate } from "../../src/membership/delegates.ts";
import { ManualClock } from "../../src/platform/manual-clock.ts";
import { MembershipSim } from "../sim/membership-cluster.ts";

/**
 * A deadline that decides against a peer is judged after the input already waiting. On a busy
 * host the process can be left unscheduled past a deadline; the event loop then runs the due
 * timer before it reads the ack or the refutation that came meanwhile. Here those packets are
 * due at the same simulated instant as the deadline, and queued after it, as they would be.
 */
describe("deadlines judged after the input already waiting", () => {
  test("an ack due the instant its registration expires, and read after the expiry, is still taken", async () => {
    const clock = new ManualClock();
    const registry = new AckRegistry(clock);
    const seen: string[] = [];
    registry.register(7, 1000, { onAck: () => seen.push("ack"), onTimeout: () => seen.push("timeout") });
    let handled: boolean | undefined;
    clock.setTimer(1000, () => (handled = registry.handleAck(7, new Uint8Array())));
    await clock.advance(1000);
    expect(handled).toBe(true);
    expect(seen).toEqual(["ack"]);
  });

  test("without an ack the registration still expires, right after its lifetime", async () => {
    const clock = new ManualClock();
    const registry = new AckRegistry(clock);
    const seen: string[] = [];
    registry.register(7, 1000, { onAck: () => seen.push("ack"), onTimeout: () => seen.push("timeout") });
    await clock.advance(999);
    expect(seen).toEqual([]);
    await clock.advance(1);
    expect(seen).toEqual(["timeout"]);
    expect(registry.handleAck(7, new Uint8Array())).toBe(false);
  });

  test("a probe whose ack lands exactly at its deadline counts as answered: nobody is suspected", async () => {
    const sim = new MembershipSim({ seed: 5, configure: (c) => ({ ...c, disableTcpPings: true }) });
    // Who answered a ping (ackPayload is asked for each ack a node sends).
    const answered: string[] = [];
    const ping = (name: string): PingDelegate => ({ ackPayload: () => (answered.push(name), new Uint8Array()), notifyPingComplete: () => {} });
    sim.add(0, { ping: ping("node-0") });
    void sim.add(1, { ping: ping("node-1") }).membership.join([sim.nodes.get("node-0")!.address]).catch(() => {});
    expect(await sim.advanceUntil(() => sim.converged(["node-0", "node-1"]), 5_000)).toBeGreaterThanOrEqual(0);
    // Ping there 600 ms, ack back 400 ms: every ack arrives at its probe's deadline (the probe
    // interval, 1 s at awareness 0), after the deadline's own timer (node-0's probes) and after
    // the ack registration's (both nodes' probes). No relay and no TCP ping can answer instead.
    const [ip0, ip1] = [MembershipSim.ipOf(0), MembershipSim.ipOf(1)];
    sim.network.setOneWayLink(ip0, ip1, { delayMs: 600, jitterMs: 0 });
    sim.network.setOneWayLink(ip1, ip0, { delayMs: 400, jitterMs: 0 });
    answered.length = 0;
    await sim.clock.advance(10_000);
    expect(answered.filter((n) => n === "node-0").length).toBeGreaterThanOrEqual(8);
    expect(answered.filter((n) => n === "node-1").length).toBeGreaterThanOrEqual(8);
    for (const node of sim.nodes.values()) expect(node.membership.health()).toMatchObject({ suspicionsStarted: 0, awareness: 0 });
  });
});
