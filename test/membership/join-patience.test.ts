import { describe, expect, test } from "bun:test";
import { lanConfig } from "../../src/membership/config-presets.ts";
import { JOIN_REPLY_TIMEOUT_MULT } from "../../src/membership/membership.ts";
import { MembershipSim } from "../sim/membership-cluster.ts";

const STREAM_TIMEOUT_MS = lanConfig("x").tcpTimeoutMs;

function joinOf(sim: MembershipSim) {
  sim.add(0);
  const outcome: { joined?: number; error?: string } = {};
  sim.add(1).membership.join([sim.nodes.get("node-0")!.address]).then(
    (joined) => (outcome.joined = joined),
    (error: Error) => (outcome.error = error.message),
  );
  return outcome;
}

describe("a join waits for a busy seed", () => {
  test("a seed that answers after more than one stream timeout is still joined", async () => {
    const sim = new MembershipSim({ seed: 3 });
    // The request reaches the seed 12 s after it was sent, as when the seed's process gets its
    // turn late among a burst of starting agents.
    sim.network.setOneWayLink(MembershipSim.ipOf(1), MembershipSim.ipOf(0), { delayMs: STREAM_TIMEOUT_MS + 2_000, jitterMs: 0 });
    const outcome = joinOf(sim);
    await sim.clock.advance(STREAM_TIMEOUT_MS + 3_000);
    expect(outcome).toEqual({ joined: 1 });
    expect(sim.nodes.get("node-1")!.membership.members().map((m) => m.name).sort()).toEqual(["node-0", "node-1"]);
  });

  test("a seed that never answers fails the join after the longer wait, not before", async () => {
    const sim = new MembershipSim({ seed: 4 });
    sim.network.partition([[MembershipSim.ipOf(0)], [MembershipSim.ipOf(1)]]);
    const outcome = joinOf(sim);
    await sim.clock.advance(STREAM_TIMEOUT_MS * JOIN_REPLY_TIMEOUT_MULT - 1);
    expect(outcome).toEqual({});
    await sim.clock.advance(1);
    expect(outcome.error).toContain("could not join the cluster");
  });
});
