import { describe, expect, test } from "bun:test";
import { SerfSim } from "../sim/serf-cluster.ts";

const bytes = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array) => new TextDecoder().decode(b);

async function cluster(n: number, seed = 3): Promise<SerfSim> {
  const sim = new SerfSim({ seed });
  await sim.startCluster(n);
  if ((await sim.advanceUntil(() => sim.converged(), 30_000)) < 0) throw new Error("cluster did not converge");
  return sim;
}

/** Every node answers "who" with its name. */
function answerWho(sim: SerfSim): void {
  for (const node of sim.running()) node.serf.answerQuery("who", async (q) => bytes(`${node.name} got ${text(q.payload)} from ${q.sourceNode}`));
}

describe("serf queries in the simulation", () => {
  test("a query reaches every member once; acks and responses come back from each, the sender's own included", async () => {
    const sim = await cluster(5);
    answerWho(sim);
    const seen: string[] = [];
    const result = await sim.settle(sim.nodes.get("node-2")!.serf.query({ name: "who", payload: bytes("hi"), requestAck: true, timeoutMs: 3000 }, (r) => seen.push(r.from)));
    expect(result.acks.sort()).toEqual(["node-0", "node-1", "node-2", "node-3", "node-4"]);
    expect(result.responses.map((r) => text(r.payload)).sort()).toEqual([0, 1, 2, 3, 4].map((i) => `node-${i} got hi from node-2`));
    expect(seen.sort()).toEqual(result.responses.map((r) => r.from).sort());
  });

  test("each member answers a query once although gossip brings it many times", async () => {
    const sim = await cluster(5);
    const calls = new Map<string, number>();
    for (const node of sim.running()) node.serf.answerQuery("count", async () => {
        calls.set(node.name, (calls.get(node.name) ?? 0) + 1);
        return undefined;
      });
    await sim.settle(sim.nodes.get("node-0")!.serf.query({ name: "count", payload: new Uint8Array(), timeoutMs: 5000 }));
    expect([...calls.values()]).toEqual([1, 1, 1, 1, 1]);
  });

  test("node and tag filters: only matching members ack and answer", async () => {
    const sim = await cluster(5);
    answerWho(sim);
    const serf = sim.nodes.get("node-1")!.serf;
    const byNode = await sim.settle(serf.query({ name: "who", payload: bytes("x"), filterNodes: ["node-3", "node-4"], requestAck: true, timeoutMs: 3000 }));
    expect(byNode.acks.sort()).toEqual(["node-3", "node-4"]);
    expect(byNode.responses.map((r) => r.from).sort()).toEqual(["node-3", "node-4"]);
    // startCluster tags node-0 role=master, the rest role=node; the expression is RE2, unanchored.
    const byTag = await sim.settle(serf.query({ name: "who", payload: bytes("x"), filterTags: { role: "^mas" }, timeoutMs: 3000 }));
    expect(byTag.responses.map((r) => r.from)).toEqual(["node-0"]);
    const none = await sim.settle(serf.query({ name: "who", payload: bytes("x"), filterTags: { role: "^(master|node)$", missing: "." }, timeoutMs: 3000 }));
    expect(none.responses).toEqual([]);
  });

  test("the query resolves at its timeout; answers after the deadline are not sent", async () => {
    const sim = await cluster(3);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    sim.nodes.get("node-1")!.serf.answerQuery("slow", async () => {
      await gate;
      return bytes("late");
    });
    sim.nodes.get("node-2")!.serf.answerQuery("slow", async () => bytes("quick"));
    const started = sim.clock.monotonicMs();
    const pending = sim.nodes.get("node-0")!.serf.query({ name: "slow", payload: new Uint8Array(), timeoutMs: 2000 });
    await sim.clock.advance(2500);
    release();
    const result = await sim.settle(pending);
    expect(sim.clock.monotonicMs() - started).toBeLessThan(2600);
    expect(result.responses.map((r) => text(r.payload))).toEqual(["quick"]);
  });

  test("the default timeout is serf's: gossip interval x 16 x ceil(log10(N + 1))", async () => {
    const sim = await cluster(9);
    const started = sim.clock.monotonicMs();
    await sim.settle(sim.nodes.get("node-0")!.serf.query({ name: "nobody", payload: new Uint8Array() }));
    // lan: 200 ms gossip interval; 9 members: ceil(log10(10)) = 1.
    expect(sim.clock.monotonicMs() - started).toBeGreaterThanOrEqual(3200);
    expect(sim.clock.monotonicMs() - started).toBeLessThan(3300);
  });

  test("a query over 1024 encoded bytes, an invalid expression and a bad timeout are refused with what to fix", async () => {
    const sim = await cluster(2);
    const serf = sim.nodes.get("node-0")!.serf;
    await expect(serf.query({ name: "big", payload: new Uint8Array(1100) })).rejects.toThrow(/over serf's limit of 1024/);
    await expect(serf.query({ name: "re", payload: new Uint8Array(), filterTags: { role: "(" } })).rejects.toThrow(/does not compile/);
    await expect(serf.query({ name: "re", payload: new Uint8Array(), filterTags: { role: "a".repeat(300) } })).rejects.toThrow(/over 256/);
    await expect(serf.query({ name: "t", payload: new Uint8Array(), timeoutMs: -1 })).rejects.toThrow(/timeout/);
  });

  test("an answer over the response size limit is not sent; the query still gets the others", async () => {
    const sim = await cluster(3);
    sim.nodes.get("node-1")!.serf.answerQuery("big", async () => new Uint8Array(1100));
    sim.nodes.get("node-2")!.serf.answerQuery("big", async () => bytes("small"));
    const result = await sim.settle(sim.nodes.get("node-0")!.serf.query({ name: "big", payload: new Uint8Array(), timeoutMs: 2000 }));
    expect(result.responses.map((r) => r.from)).toEqual(["node-2"]);
  });

  test("relay factor: answers also arrive through other members, and are counted once", async () => {
    const sim = await cluster(5);
    answerWho(sim);
    const result = await sim.settle(sim.nodes.get("node-0")!.serf.query({ name: "who", payload: bytes("r"), relayFactor: 2, requestAck: true, timeoutMs: 3000 }));
    expect(result.responses).toHaveLength(5);
    expect(result.acks).toHaveLength(5);
  });

  test("one handler per name; removing it stops the answers", async () => {
    const sim = await cluster(2);
    const node1 = sim.nodes.get("node-1")!.serf;
    const remove = node1.answerQuery("x", async () => bytes("1"));
    expect(() => node1.answerQuery("x", async () => bytes("2"))).toThrow(/already have a handler/);
    remove();
    const result = await sim.settle(sim.nodes.get("node-0")!.serf.query({ name: "x", payload: new Uint8Array(), timeoutMs: 1000 }));
    expect(result.responses).toEqual([]);
  });
});
