import { afterEach, describe, expect, test } from "bun:test";
import type { AgentGossipNet, AgentPlatform } from "../../src/agent/platform-deps.ts";
import type { RequestHandler } from "../../src/platform/http-server.ts";
import { AgentSim } from "../sim/agent-sim.ts";

/**
 * Complete agents over the simulated network; node-1's platform records when it opens a gossip
 * stream (the join's push/pull), opens its history and key-value replicas, and listens for the API.
 */
class RecordingSim extends AgentSim {
  readonly order: string[] = [];
  listenError: Error | undefined;
  historyError: Error | undefined;
  /** Resolved by the test: node-1's gossip socket opens only then (its start waits there). */
  gossipGate: Promise<void> = Promise.resolve();
  /** What node-1's API listener was handed. */
  apiHandler: RequestHandler | undefined;

  protected override equip(name: string, platform: AgentPlatform): AgentPlatform {
    if (name !== "node-1") return platform;
    return {
      ...platform,
      openGossipNet: async (options) => {
        await this.gossipGate;
        return recordStreams(await platform.openGossipNet(options), (to) => this.order.push(`gossip stream to ${to}`));
      },
      openHistoryStore: (options) => {
        this.order.push("history opened");
        if (this.historyError) throw this.historyError;
        return platform.openHistoryStore(options);
      },
      openKvReplicaStore: (path) => {
        this.order.push("kv replicas opened");
        return (platform.openKvReplicaStore as NonNullable<AgentPlatform["openKvReplicaStore"]>)(path);
      },
      listenHttp: async (addresses, handler, options) => {
        this.order.push("api listening");
        if (this.listenError) throw this.listenError;
        this.apiHandler = handler;
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
  test("the API listens first; the push/pull to an IP literal seed leaves next, before the history and kv open (no lookup to wait for); the API then lists the joined members", async () => {
    sim = new RecordingSim(41);
    const s = sim;
    await s.start(0, "master");
    const b = await s.start(1, "node", [0]);
    expect(s.order.slice(0, 2)).toEqual(["api listening", `gossip stream to ${AgentSim.ipOf(0)}`]);
    expect(s.order.slice(2, 4).sort()).toEqual(["history opened", "kv replicas opened"]);
    expect(await s.advanceUntil(() => b.logLines.some((l) => l.includes("joined the initial cluster")), 5000, 10)).toBeGreaterThanOrEqual(0);
    const { members } = (await (await b.request("/members")).json()) as { members: { name: string; status: string }[] };
    expect(members.map((m) => `${m.name} ${m.status}`).sort()).toEqual(["node-0 alive", "node-1 alive"]);
  });

  test("while the agent starts, /livez answers 200, /readyz and every other route 503 with a retry; once started the API answers", async () => {
    sim = new RecordingSim(43);
    const s = sim;
    await s.start(0, "master");
    let openGossip: () => void = () => {};
    s.gossipGate = new Promise((resolve) => (openGossip = resolve));
    const starting = s.start(1, "node", [0]);
    expect(await s.advanceUntil(() => s.apiHandler !== undefined, 1000, 1)).toBeGreaterThanOrEqual(0);
    const ask = async (path: string, init: RequestInit = {}) => await (s.apiHandler as RequestHandler)(new Request(`http://127.0.0.1:7575${path}`, init), { remoteAddress: "127.0.0.1" });
    const livez = await ask("/livez");
    expect([livez.status, await livez.text()]).toEqual([200, "ok"]);
    const readyz = await ask("/readyz?verbose");
    expect(readyz.status).toBe(503);
    expect(await readyz.text()).toContain("starting");
    for (const [path, init] of [["/status", {}], ["/members", {}], ["/force-leave", { method: "POST", body: JSON.stringify({ node: "node-0" }) }]] as const) {
      const r = await ask(path, init);
      expect(r.status).toBe(503);
      expect(r.headers.get("retry-after")).toBe("1");
      expect(((await r.json()) as { error: string }).error).toContain("the agent is starting");
    }
    expect(s.order).toEqual(["api listening"]);
    openGossip();
    await starting;
    // The cluster's own answer now (node-0 not yet seen: degraded), not the start's.
    expect(((await (await ask("/status")).json()) as { nodes: { name: string }[] }).nodes.map((n) => n.name)).toContain("node-1");
    expect((await ask("/members")).status).toBe(200);
  });

  test("an API address in use fails the start before the join: the cluster never hears of the node", async () => {
    sim = new RecordingSim(44);
    const s = sim;
    const a = await s.start(0, "master");
    s.listenError = new Error("address in use");
    await expect(s.start(1, "node", [0])).rejects.toThrow("address in use");
    expect(s.order).toEqual(["api listening"]);
    await s.advanceUntil(() => false, 5_000, 100);
    expect(a.events.some((e) => "node" in e && e.node === "node-1")).toBe(false);
  });

  test("a start that fails after the join stops gossip: the cluster sees the node failed, not alive", async () => {
    sim = new RecordingSim(42);
    const s = sim;
    const a = await s.start(0, "master");
    s.historyError = new Error("disk full");
    await expect(s.start(1, "node", [0])).rejects.toThrow("disk full");
    expect(s.order).toContain(`gossip stream to ${AgentSim.ipOf(0)}`);
    const seen = await s.advanceUntil(() => a.events.some((e) => e.type === "NodeFailed" && e.node === "node-1"), 30_000, 100);
    expect(seen).toBeGreaterThanOrEqual(0);
  });
});
