import { describe, expect, test } from "bun:test";
import type { SerfCore } from "../../src/cluster/serf-core.ts";
import { LamportClock } from "../../src/cluster/serf-lamport.ts";
import { SerfMembers, type SerfMemberEvent } from "../../src/cluster/serf-members.ts";
import type { MemberNode } from "../../src/membership/node.ts";
import { standaloneSerfCore } from "../sim/standalone-serf-core.ts";
import { jsonSerfCodec } from "../sim/stand-in-codecs.ts";

function setup() {
  const events: string[] = [];
  let refutes = 0;
  const members = new SerfMembers({
    localName: "me",
    clock: new LamportClock(),
    nowMs: () => 0,
    decodeTags: () => ({}),
    emit: (e: SerfMemberEvent) => events.push(`${e.type} ${e.member.name}`),
    isLeaving: () => false,
    refuteLeave: () => void refutes++,
    membersMax: 5000,
  });
  return { members, events, refutes: () => refutes };
}

function node(name: string, state: MemberNode["state"] = "alive"): MemberNode {
  return { name, addr: "10.0.0.2", port: 7946, meta: new Uint8Array(), incarnation: 1, state, stateChangeMs: 0, vsn: [1, 5, 2, 2, 5, 5] };
}

/** serf's force-leave is a leave intent about another node, optionally with prune. */
describe("force-leave (a leave intent about another member)", () => {
  test.each([
    ["failed, no prune -> left and remembered", "dead", false, "left", ["member-leave b"]],
    ["failed, prune -> left, then forgotten", "dead", true, undefined, ["member-leave b", "member-reap b"]],
  ] as const)("%s", (_label, mlState, prune, status, after) => {
    const { members, events } = setup();
    members.onNodeJoin(node("b"));
    members.onNodeLeave(node("b", mlState));
    expect(members.get("b")?.status).toBe("failed");
    events.length = 0;
    expect(members.onLeaveIntent({ ltime: 1, node: "b", prune })).toBe(true);
    expect(members.get("b")?.status).toBe(status);
    expect(events).toEqual([...after]);
    expect(members.names("failed")).toEqual([]);
  });

  test("prune of a member that already left forgets it now", () => {
    const { members, events } = setup();
    members.onNodeJoin(node("b"));
    members.onNodeLeave(node("b", "left"));
    expect(members.onLeaveIntent({ ltime: 4, node: "b", prune: true })).toBe(true);
    expect(members.get("b")).toBeUndefined();
    expect(events.at(-1)).toBe("member-reap b");
  });

  test("prune of a live member waits until it has left; a refuting join intent cancels it", () => {
    const { members, events } = setup();
    members.onNodeJoin(node("b"));
    expect(members.onLeaveIntent({ ltime: 2, node: "b", prune: true })).toBe(true);
    expect(members.get("b")?.status).toBe("leaving");
    expect(members.onJoinIntent({ ltime: 3, node: "b" })).toBe(true);
    expect(members.get("b")?.status).toBe("alive");
    members.onNodeLeave(node("b", "dead"));
    expect(members.get("b")?.status).toBe("failed");

    members.onNodeJoin(node("c"));
    members.onLeaveIntent({ ltime: 5, node: "c", prune: true });
    members.onNodeLeave(node("c", "left"));
    expect(members.get("c")).toBeUndefined();
    expect(events.slice(-2)).toEqual(["member-leave c", "member-reap c"]);
  });

  test("an older intent changes nothing, and a force-leave about this node is refuted", () => {
    const { members, refutes } = setup();
    members.onNodeJoin(node("b"));
    members.onNodeLeave(node("b", "dead"));
    members.onJoinIntent({ ltime: 9, node: "b" });
    expect(members.onLeaveIntent({ ltime: 9, node: "b", prune: true })).toBe(false);
    expect(members.get("b")?.status).toBe("failed");
    members.onNodeJoin(node("me"));
    expect(members.onLeaveIntent({ ltime: 20, node: "me", prune: true })).toBe(false);
    expect(members.get("me")?.status).toBe("alive");
    expect(refutes()).toBe(1);
  });
});

describe("intents in the broadcast queue", () => {
  const core = () => standaloneSerfCore();
  const queued = (c: SerfCore) => c.intentQueue.take(0, 65_536).items.map((bytes) => jsonSerfCodec.decode(bytes));

  test("a newer join intent relayed after our force-leave does not take the leave's place (serf's broadcasts never replace each other)", () => {
    const c = core();
    let sent = false;
    c.broadcastIntent({ type: "leave", ltime: 5, node: "node-2", prune: false }, () => void (sent = true));
    c.notifyMsg(jsonSerfCodec.encode({ type: "join", ltime: 9, node: "node-2" }));
    expect(sent).toBe(false);
    expect(queued(c)).toEqual([
      { type: "join", ltime: 9, node: "node-2" },
      { type: "leave", ltime: 5, node: "node-2", prune: false },
    ]);
  });
});
