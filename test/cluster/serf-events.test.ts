import { describe, expect, test } from "bun:test";
import { UserEventBuffer } from "../../src/cluster/serf-event-buffer.ts";
import type { SerfUserEvent } from "../../src/cluster/serf-core.ts";
import { SerfSim } from "../sim/serf-cluster.ts";

const bytes = (s: string) => new TextEncoder().encode(s);

describe("UserEventBuffer", () => {
  test("dedups by LTime, name and payload; keeps distinct events of one LTime", () => {
    const b = new UserEventBuffer(4);
    expect(b.record(1, "a", bytes("x"), 2)).toBe("new");
    expect(b.record(1, "a", bytes("x"), 2)).toBe("duplicate");
    expect(b.record(1, "a", bytes("y"), 2)).toBe("new");
    expect(b.record(1, "b", bytes("x"), 2)).toBe("new");
    expect(b.collection()).toEqual([{ ltime: 1, events: [{ name: "a", payload: bytes("x") }, { name: "a", payload: bytes("y") }, { name: "b", payload: bytes("x") }] }]);
  });

  test("a newer LTime takes over the slot; events older than the buffer are refused", () => {
    const b = new UserEventBuffer(4);
    b.record(1, "a", bytes(""), 2);
    expect(b.record(5, "a", bytes(""), 6)).toBe("new");
    expect(b.collection().map((s) => s.ltime)).toEqual([5]);
    expect(b.record(1, "a", bytes(""), 10)).toBe("too-old");
    expect(b.record(6, "a", bytes(""), 10)).toBe("new");
  });
});

describe("serf user events and tags (simulated)", () => {
  const userEvents = (sim: SerfSim) => sim.events.filter((e): e is typeof e & { event: SerfUserEvent } => e.event.type === "user");

  test("a user event reaches every member exactly once", async () => {
    const sim = new SerfSim({ seed: 31, link: { delayMs: 1, jitterMs: 3, lossRate: 0.05 } });
    await sim.startCluster(15);
    expect(await sim.advanceUntil(() => sim.converged(), 20_000)).toBeGreaterThanOrEqual(0);
    sim.nodes.get("node-3")!.serf.userEvent("digest", bytes("ok"), true);
    sim.nodes.get("node-8")!.serf.userEvent("digest", bytes("degraded"));
    expect(await sim.advanceUntil(() => userEvents(sim).length === 30, 20_000)).toBeGreaterThanOrEqual(0);
    await sim.clock.advance(60_000);
    const received = userEvents(sim);
    expect(received.length).toBe(30);
    const fromThree = received.filter((e) => new TextDecoder().decode(e.event.payload) === "ok");
    expect(new Set(fromThree.map((e) => e.observer)).size).toBe(15);
    expect(fromThree.every((e) => e.event.name === "digest")).toBe(true);
    // the coalesce flag travels with gossip; events that come by push/pull carry none (as in serf)
    expect(fromThree.find((e) => e.observer === "node-3")?.event.coalesce).toBe(true);
  });

  test("a node joining later gets no old events by default, and does with ignoreOldEvents = false", async () => {
    const sim = new SerfSim({ seed: 32 });
    await sim.startCluster(3);
    expect(await sim.advanceUntil(() => sim.converged(), 20_000)).toBeGreaterThanOrEqual(0);
    sim.nodes.get("node-1")!.serf.userEvent("old", bytes("1"));
    await sim.clock.advance(5000);
    const quiet = await sim.add(3);
    const replayed = await sim.add(4);
    const seed = [sim.nodes.get("node-0")!.address];
    await sim.settle(quiet.serf.join(seed));
    await sim.settle(replayed.serf.join(seed, false));
    await sim.clock.advance(5000);
    expect(userEvents(sim).filter((e) => e.observer === "node-3")).toEqual([]);
    expect(userEvents(sim).filter((e) => e.observer === "node-4").map((e) => e.event.name)).toEqual(["old"]);
  });

  test("an event over the size limit is refused with a clear error", async () => {
    const sim = new SerfSim({ seed: 33 });
    await sim.startCluster(1);
    expect(() => sim.nodes.get("node-0")!.serf.userEvent("big", new Uint8Array(600))).toThrow(/over the limit of 512/);
  });

  test("setTags reaches every member as member-update", async () => {
    const sim = new SerfSim({ seed: 34 });
    await sim.startCluster(8);
    expect(await sim.advanceUntil(() => sim.converged(), 20_000)).toBeGreaterThanOrEqual(0);
    const node = sim.nodes.get("node-5")!;
    await sim.settle(node.serf.setTags({ role: "node", health: "degraded" }));
    const seen = () => sim.running().every((n) => n.serf.members().find((m) => m.name === "node-5")?.tags.health === "degraded");
    expect(await sim.advanceUntil(seen, 10_000)).toBeGreaterThanOrEqual(0);
    expect(new Set(sim.memberEvents("member-update", "node-5").map((e) => e.observer)).size).toBe(8);
  });
});
