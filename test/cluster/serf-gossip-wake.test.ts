import { describe, expect, test } from "bun:test";
import type { SerfQueryMessage } from "../../src/cluster/serf-messages.ts";
import { lanConfig } from "../../src/membership/config-presets.ts";
import type { Timer } from "../../src/platform/clock.ts";
import { ManualClock } from "../../src/platform/manual-clock.ts";
import { SerfSim } from "../sim/serf-cluster.ts";
import { jsonSerfCodec } from "../sim/stand-in-codecs.ts";
import { standaloneSerfCore } from "../sim/standalone-serf-core.ts";

const GOSSIP_INTERVAL_MS = lanConfig("x").gossipIntervalMs;
/** The simulated link's delay (1 ms + up to 2 ms of jitter) and a margin for the receive path. */
const TRANSIT_MS = 5;

/** Counts the timers set: each is a wakeup of the process. */
class CountingClock extends ManualClock {
  timersSet = 0;
  override setTimer(delayMs: number, fn: () => void): Timer {
    this.timersSet++;
    return super.setTimer(delayMs, fn);
  }
}

/**
 * A converged, idle cluster whose only way to spread a broadcast is the gossip loop: no
 * probes (which piggyback broadcasts) and no periodic push/pull.
 */
async function idleClusterWithGossipOnly(seed: number, clock = new CountingClock()): Promise<SerfSim> {
  const sim = new SerfSim({
    seed,
    clock,
    configure: (c) => ({ ...c, membership: { ...c.membership, probeIntervalMs: 3_600_000, pushPullIntervalMs: 0, joinSyncDelaysMs: [] } }),
  });
  await sim.startCluster(3);
  expect(await sim.advanceUntil(() => sim.converged(), 5_000)).toBeGreaterThanOrEqual(0);
  await sim.clock.advance(10_000);
  return sim;
}

const packetsSent = (sim: SerfSim): number => sim.running().reduce((sum, n) => sum + n.net.stats().packetsSent, 0);

describe("gossip on an idle cluster", () => {
  test("nothing queued: no gossip packet leaves any node, and the gossip loop sets no timer", async () => {
    const clock = new CountingClock();
    const sim = await idleClusterWithGossipOnly(31, clock);
    const packetsBefore = packetsSent(sim);
    const timersBefore = clock.timersSet;
    await sim.clock.advance(30_000);
    expect(packetsSent(sim)).toBe(packetsBefore);
    // What is left is serf's reap (15 s) and reconnect (30 s) timers: 3 per node. A gossip
    // tick would be 150 per node.
    expect(clock.timersSet - timersBefore).toBeLessThanOrEqual(3 * 3);
  });

  test("a user event (serf's event queue) reaches every node within one gossip interval", async () => {
    const sim = await idleClusterWithGossipOnly(32);
    sim.nodes.get("node-0")!.serf.userEvent("deploy", new TextEncoder().encode("v2"));
    const heardBy = () => new Set(sim.events.filter((e) => e.event.type === "user" && e.event.name === "deploy").map((e) => e.observer));
    const took = await sim.advanceUntil(() => heardBy().size === 3, 5_000, 1);
    expect(took).toBeGreaterThanOrEqual(0);
    expect(took).toBeLessThanOrEqual(GOSSIP_INTERVAL_MS + TRANSIT_MS);
  });

  test("a query (serf's query queue) reaches every node within one gossip interval", async () => {
    const sim = await idleClusterWithGossipOnly(33);
    const asked = new Set<string>();
    for (const node of sim.running()) node.serf.answerQuery("ping", async () => void asked.add(node.name));
    void sim.nodes.get("node-0")!.serf.query({ name: "ping", payload: new Uint8Array(), timeoutMs: 5_000 });
    const took = await sim.advanceUntil(() => asked.size === 3, 5_000, 1);
    expect(took).toBeGreaterThanOrEqual(0);
    expect(took).toBeLessThanOrEqual(GOSSIP_INTERVAL_MS + TRANSIT_MS);
  });

  test("new tags (memberlist's own queue) reach every node within one gossip interval", async () => {
    const sim = await idleClusterWithGossipOnly(34);
    void sim.nodes.get("node-1")!.serf.setTags({ role: "node", zone: "b" });
    const seen = () => sim.running().every((n) => n.serf.members().find((m) => m.name === "node-1")?.tags.zone === "b");
    const took = await sim.advanceUntil(seen, 5_000, 1);
    expect(took).toBeGreaterThanOrEqual(0);
    expect(took).toBeLessThanOrEqual(GOSSIP_INTERVAL_MS + TRANSIT_MS);
  });
});

describe("serf's broadcast queues wake the gossip loop", () => {
  const core = (onQueued: () => void) => standaloneSerfCore(onQueued);

  test("every queue getBroadcasts reads calls onQueued on every enqueue", () => {
    let woken = 0;
    const c = core(() => woken++);
    const queues = [c.intentQueue, c.eventQueue, c.queryQueue];
    for (const [i, queue] of queues.entries()) {
      queue.enqueue(new Uint8Array([i]), 1);
      expect(woken).toBe(i + 1);
    }
    // Everything those queues hold is what the delegate hands to memberlist.
    expect(c.getBroadcasts(1400, (p) => p.length + 4)).toHaveLength(queues.length);
  });

  test("an intent, a relayed intent, user event and query each wake it", () => {
    let woken = 0;
    const c = core(() => woken++);
    c.queries = { handleQuery: () => true, handleResponse: () => {}, handleRelay: () => {} };
    c.broadcastIntent({ type: "join", ltime: 1, node: "node-1" });
    expect(woken).toBe(1);
    c.notifyMsg(jsonSerfCodec.encode({ type: "userEvent", ltime: 1, name: "deploy", payload: new Uint8Array([1]), cc: false }));
    expect(woken).toBe(2);
    c.notifyMsg(jsonSerfCodec.encode({ type: "leave", ltime: 5, node: "node-1", prune: false }));
    expect(woken).toBe(3);
    const query: SerfQueryMessage = { type: "query", ltime: 1, id: 7, addr: "10.1.0.2", port: 7946, sourceNode: "node-1", filters: [], flags: 0, relayFactor: 0, timeoutNs: 1e9, name: "ping", payload: new Uint8Array() };
    c.notifyMsg(jsonSerfCodec.encode(query));
    expect(woken).toBe(4);
  });
});
