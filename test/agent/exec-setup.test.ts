import { describe, expect, test } from "bun:test";
import { setupRemoteExec } from "../../src/agent/exec-setup.ts";
import { decodeSerfMessage, decodeTags, encodeSerfMessage, encodeTags } from "../../src/cluster/serf-wire.ts";
import type { ExecRanEvent } from "../../src/events/agent-event.ts";
import { createEventStream } from "../../src/events/event-stream.ts";
import { MutableKeyring } from "../../src/membership/wire/mutable-keyring.ts";
import { createRecordedExec } from "../../src/platform/exec.ts";
import { silentLogger } from "../../src/platform/logger.ts";
import { SerfSim } from "../sim/serf-cluster.ts";

const K1 = new Uint8Array(32).fill(1);
const K2 = new Uint8Array(32).fill(2);

describe("remote exec in the agent, over the serf layer (simulation)", () => {
  test("runs on the enabled nodes, records on each, follows a key rotation as it happens", async () => {
    const sim = new SerfSim({ seed: 11, codec: { encode: encodeSerfMessage, decode: decodeSerfMessage }, tagCodec: { encode: encodeTags, decode: decodeTags } });
    await sim.startCluster(3);
    if ((await sim.advanceUntil(() => sim.converged(), 30_000)) < 0) throw new Error("no convergence");
    const recorded: Record<string, ExecRanEvent[]> = {};
    const keyrings: Record<string, MutableKeyring> = {};
    let requests = 0;
    const agents = sim.running().map((node, i) => {
      const events = createEventStream({ clock: sim.clock, logger: silentLogger });
      recorded[node.name] = [];
      events.subscribe("test", (e) => void (e.type === "ExecRan" && recorded[node.name]?.push(e as unknown as ExecRanEvent)));
      keyrings[node.name] = new MutableKeyring([K1]);
      const config = { name: node.name, apiToken: undefined, exec: { enabled: i !== 2, allow: ["uptime"], timeout: "5s", outputBytesMax: 4096 } };
      return setupRemoteExec(config, { gossip: { member: { serf: node.serf }, keyring: keyrings[node.name] }, exec: createRecordedExec(() => ({ stdout: `${node.name} up\n` })), clock: sim.clock, events, logger: silentLogger, randomBytes: (n) => new Uint8Array(n).fill(++requests) });
    });
    const started = sim.clock.monotonicMs();
    const first = await sim.settle(agents[0]!.source.run({ argv: ["uptime"], timeoutMs: 5_000, caller: "test" }));
    expect(first.results.map((r) => [r.node, r.outcome, r.stdout])).toEqual([
      ["node-0", "ran", "node-0 up\n"],
      ["node-1", "ran", "node-1 up\n"],
      ["node-2", "refused", ""],
    ]);
    // Every alive member answered: the query ended long before its 7 s.
    expect(sim.clock.monotonicMs() - started).toBeLessThan(2_000);
    expect(recorded["node-1"]?.map((e) => [e.outcome, e.requester])).toEqual([["ran", "node-0 test"]]);
    expect(recorded["node-2"]?.map((e) => [e.outcome, e.reason])).toEqual([["refused", "exec is disabled on this node (exec.enabled is false)"]]);

    // node-0 rotates to K2 first: node-1, still on K1 alone, refuses until it installs K2.
    keyrings["node-0"]!.install(K2);
    keyrings["node-0"]!.use(K2);
    keyrings["node-0"]!.remove(K1);
    const rotated = await sim.settle(agents[0]!.source.run({ argv: ["uptime"], nodes: ["node-1"], timeoutMs: 5_000, caller: "test" }));
    expect(rotated.results).toEqual([expect.objectContaining({ node: "node-1", outcome: "refused", reason: expect.stringContaining("bad-signature") })]);
    keyrings["node-1"]!.install(K2);
    const again = await sim.settle(agents[0]!.source.run({ argv: ["uptime"], nodes: ["node-1"], timeoutMs: 5_000, caller: "test" }));
    expect(again.results).toEqual([expect.objectContaining({ node: "node-1", outcome: "ran", stdout: "node-1 up\n" })]);
    for (const agent of agents) agent.stop();
  });
});
