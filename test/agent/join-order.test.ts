import { afterEach, describe, expect, test } from "bun:test";
import type { AgentGossipNet, AgentPlatform } from "../../src/agent/platform-deps.ts";
import { AgentSim } from "../sim/agent-sim.ts";

/**
 * Complete agents over the simulated network; node-1's platform records when it opens a gossip
 * stream (the join's push/pull), opens its history and key-value replicas, and listens for the API.
 */
class RecordingSim extends AgentSim {
  readonly order: string[] = [];
  listenError: Error | undefined;

  protected override equip(name: string, platform: AgentPlatform): AgentPlatform {
    if (name !== "node-1") return platform;
    return {
      ...platform,
      openGossipNet: async (options) => recordStreams(await platform.openGossipNet(options), (to) => this.order.push(`gossip stream to ${to}`)),
      openHistoryStore: (options) => {
        this.order.push("history opened");
        return platform.openHistoryStore(options);
      },
      openKvReplicaStore: (path) => {
        this.order.push("kv replicas opened");
        return (platform.openKvReplicaStore as NonNullable<AgentPlatform["openKvReplicaStore"]>)(path);
      },
      listenHttp: async (addresses, handler, options) => {
        this.order.push("api listening");
        if (this.listenError) throw this.listenError;
        return platform.listenHttp(addresses, handler, options);
      },
    };
  }
}

function recordStreams(net: AgentGossipNet, onStream: (to: string) => void): AgentGossipNet {
  return {
    get localAddress() {
      return net.localAddress;
    },
    get packetBudgetBytes() {
      return net.packetBudgetBytes;
    },
    setHandlers: (handlers) => net.setHandlers(handlers),
    encodedSize: (msg) => net.encodedSize(msg),
    sendPacket: (to, msgs) => net.sendPacket(to, msgs),
    sendStream: (to, msg, options) => {
      onStream(to.ip);
      return net.sendStream(to, msg, options);
    },
    stats: () => net.stats(),
    close: () => net.close(),
  };
}

let sim: RecordingSim | undefined;
afterEach(async () => {
  await sim?.stopAll();
  sim = undefined;
});

describe("the initial join at start-up", () => {
  test("the push/pull to an IP literal seed leaves before the history and kv open (no lookup to wait for) and before the API listens, which then lists the joined members", async () => {
    sim = new RecordingSim(41);
    const s = sim;
    await s.start(0, "master");
    const b = await s.start(1, "node", [0]);
    expect(s.order[0]).toBe(`gossip stream to ${AgentSim.ipOf(0)}`);
    expect(s.order.slice(1, 4).sort()).toEqual(["api listening", "history opened", "kv replicas opened"]);
    expect(s.order.indexOf("api listening")).toBe(3);
    expect(await s.advanceUntil(() => b.logLines.some((l) => l.includes("joined the initial cluster")), 5000, 10)).toBeGreaterThanOrEqual(0);
    const { members } = (await (await b.request("/members")).json()) as { members: { name: string; status: string }[] };
    expect(members.map((m) => `${m.name} ${m.status}`).sort()).toEqual(["node-0 alive", "node-1 alive"]);
  });

  test("a start that fails after the join stops gossip: the cluster sees the node failed, not alive", async () => {
    sim = new RecordingSim(42);
    const s = sim;
    const a = await s.start(0, "master");
    s.listenError = new Error("address in use");
    await expect(s.start(1, "node", [0])).rejects.toThrow("address in use");
    expect(s.order).toContain(`gossip stream to ${AgentSim.ipOf(0)}`);
    const seen = await s.advanceUntil(() => a.events.some((e) => e.type === "NodeFailed" && e.node === "node-1"), 30_000, 100);
    expect(seen).toBeGreaterThanOrEqual(0);
  });
});
