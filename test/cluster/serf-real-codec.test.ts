import { describe, expect, test } from "bun:test";
import type { SerfCodec, SerfOutgoingMessage, TagCodec } from "../../src/cluster/serf-messages.ts";
import { decodeSerfMessage, decodeTags, encodeSerfMessage, encodeTags } from "../../src/cluster/serf-wire.ts";
import { encodeMessage } from "../../src/membership/wire/index.ts";
import { SerfSim } from "../sim/serf-cluster.ts";

/** The serf layer's codec interfaces, implemented by the real wire codec. */
const realCodec: SerfCodec = { encode: encodeSerfMessage, decode: decodeSerfMessage };
const realTags: TagCodec = { encode: encodeTags, decode: decodeTags };

describe("serf layer with the real serf wire codec", () => {
  test.each<SerfOutgoingMessage>([
    { type: "leave", ltime: 7, node: "n1", prune: false },
    { type: "join", ltime: 8, node: "n2" },
    { type: "userEvent", ltime: 3, name: "digest", payload: new Uint8Array([1, 2]), cc: true },
    { type: "pushPull", ltime: 9, statusLTimes: new Map([["a", 1]]), leftMembers: ["b"], eventLTime: 4, events: [{ ltime: 3, events: [{ name: "x", payload: new Uint8Array([5]) }] }], queryLTime: 1 },
  ])("round-trips %o", (msg) => {
    expect(realCodec.decode(realCodec.encode(msg))).toEqual(msg);
  });

  test("tags round-trip through node meta", () => {
    expect(realTags.decode(realTags.encode({ role: "master", dc: "lab" }))).toEqual({ role: "master", dc: "lab" });
  });

  test("a simulated cluster using real encodings converges, leaves and delivers events", async () => {
    const sim = new SerfSim({ seed: 41, codec: realCodec, tagCodec: realTags, encodedSize: (m) => encodeMessage(m).length });
    await sim.startCluster(12);
    expect(await sim.advanceUntil(() => sim.converged(), 20_000)).toBeGreaterThanOrEqual(0);
    sim.nodes.get("node-2")!.serf.userEvent("digest", new Uint8Array([42]));
    const node = sim.nodes.get("node-5")!;
    await sim.settle(node.serf.leave().then(() => node.serf.shutdown()));
    expect(await sim.advanceUntil(() => sim.allSee({ "node-5": "left" }), 20_000)).toBeGreaterThanOrEqual(0);
    expect(sim.events.filter((e) => e.event.type === "user").length).toBe(12);
    expect(sim.memberEvents("member-failed")).toEqual([]);
    expect(sim.nodes.get("node-1")!.serf.members().find((m) => m.name === "node-0")?.tags).toEqual({ role: "master" });
  });
});
