import { describe, expect, test } from "bun:test";
import { LamportClock } from "../../src/cluster/serf-lamport.ts";
import { SerfMembers, type SerfMemberEvent } from "../../src/cluster/serf-members.ts";
import type { MemberNode } from "../../src/membership/node.ts";

function setup(localName = "me", membersMax = 5000) {
  const clock = new LamportClock();
  const events: string[] = [];
  let now = 0;
  let leaving = false;
  let refutes = 0;
  const members = new SerfMembers({
    localName,
    clock,
    nowMs: () => now,
    decodeTags: (meta): Record<string, string> => (meta.length ? { role: new TextDecoder().decode(meta) } : {}),
    emit: (e: SerfMemberEvent) => events.push(`${e.type} ${e.member.name}`),
    isLeaving: () => leaving,
    refuteLeave: () => void refutes++,
    membersMax,
  });
  return {
    clock,
    events,
    members,
    advance: (ms: number) => void (now += ms),
    setLeaving: () => void (leaving = true),
    refutes: () => refutes,
  };
}

function node(name: string, state: MemberNode["state"] = "alive", meta = ""): MemberNode {
  return { name, addr: "10.0.0.1", port: 7946, meta: new TextEncoder().encode(meta), incarnation: 1, state, stateChangeMs: 0, vsn: [1, 5, 2, 2, 5, 5] };
}

describe("LamportClock", () => {
  test("increments and witnesses as serf does", () => {
    const c = new LamportClock();
    expect(c.increment()).toBe(1);
    c.witness(0);
    expect(c.time()).toBe(1);
    c.witness(1);
    expect(c.time()).toBe(2);
    c.witness(41);
    expect(c.time()).toBe(42);
  });
});

describe("serf member statuses", () => {
  test.each([
    ["memberlist dead without intent -> failed", [], "dead", "failed", "member-failed"],
    ["memberlist left (dead from itself) -> left", [], "left", "left", "member-leave"],
    ["leave intent, then dead -> left", ["leave"], "dead", "left", "member-leave"],
    ["leave intent, then left -> left", ["leave"], "left", "left", "member-leave"],
    ["leave then newer join intent, then dead -> failed", ["leave", "join"], "dead", "failed", "member-failed"],
  ] as const)("%s", (_label, intents, mlState, status, event) => {
    const { members, events } = setup();
    members.onNodeJoin(node("b"));
    let ltime = 5;
    for (const intent of intents) {
      if (intent === "leave") expect(members.onLeaveIntent({ ltime: ltime++, node: "b" })).toBe(true);
      else expect(members.onJoinIntent({ ltime: ltime++, node: "b" })).toBe(true);
    }
    members.onNodeLeave(node("b", mlState));
    expect(members.get("b")?.status).toBe(status);
    expect(events).toEqual(["member-join b", `${event} b`]);
  });

  test("intents at or below the member's status LTime are ignored (not re-gossiped)", () => {
    const { members } = setup();
    members.onNodeJoin(node("b"));
    expect(members.onJoinIntent({ ltime: 3, node: "b" })).toBe(true);
    expect(members.onLeaveIntent({ ltime: 3, node: "b" })).toBe(false);
    expect(members.onLeaveIntent({ ltime: 2, node: "b" })).toBe(false);
    expect(members.get("b")?.status).toBe("alive");
  });

  test("a leave intent that arrives before memberlist reports the node is kept and applied", () => {
    const { members, events, clock } = setup();
    expect(members.onLeaveIntent({ ltime: 9, node: "b" })).toBe(true);
    expect(members.onLeaveIntent({ ltime: 9, node: "b" })).toBe(false);
    expect(clock.time()).toBe(10);
    members.onNodeJoin(node("b"));
    expect(members.get("b")?.status).toBe("leaving");
    members.onNodeLeave(node("b", "dead"));
    expect(events).toEqual(["member-join b", "member-leave b"]);
  });

  test("a failed member becomes left on a leave intent or on memberlist's left", () => {
    const { members, events } = setup();
    members.onNodeJoin(node("b"));
    members.onNodeJoin(node("c"));
    members.onNodeLeave(node("b", "dead"));
    members.onNodeLeave(node("c", "dead"));
    members.onLeaveIntent({ ltime: 4, node: "b" });
    members.onNodeLeave(node("c", "left"));
    expect(members.get("b")?.status).toBe("left");
    expect(members.get("c")?.status).toBe("left");
    expect(events.slice(4)).toEqual(["member-leave b", "member-leave c"]);
  });

  test("a failed member that comes back is alive again", () => {
    const { members, events } = setup();
    members.onNodeJoin(node("b"));
    members.onNodeLeave(node("b", "dead"));
    members.onNodeJoin(node("b", "alive", "db"));
    expect(members.get("b")).toMatchObject({ status: "alive", tags: { role: "db" } });
    expect(events).toEqual(["member-join b", "member-failed b", "member-join b"]);
  });

  test("a leave intent about us while we are not leaving is refuted, not applied", () => {
    const { members, refutes, setLeaving } = setup("me");
    members.onNodeJoin(node("me"));
    expect(members.onLeaveIntent({ ltime: 3, node: "me" })).toBe(false);
    expect(refutes()).toBe(1);
    expect(members.get("me")?.status).toBe("alive");
    setLeaving();
    expect(members.onLeaveIntent({ ltime: 4, node: "me" })).toBe(true);
    expect(members.get("me")?.status).toBe("leaving");
  });

  test("reaps failed and left members after their timeouts, and stale intents", () => {
    const { members, events, advance } = setup();
    members.onNodeJoin(node("b"));
    members.onNodeJoin(node("c"));
    members.onNodeLeave(node("b", "dead"));
    members.onNodeLeave(node("c", "left"));
    members.onLeaveIntent({ ltime: 1, node: "ghost" });
    advance(1000);
    members.reap(2000, 500, 500);
    expect(members.list().map((m) => m.name)).toEqual(["b"]);
    advance(1500);
    members.reap(2000, 500, 500);
    expect(members.list()).toEqual([]);
    expect(events.slice(-2)).toEqual(["member-reap c", "member-reap b"]);
    members.onNodeJoin(node("ghost"));
    expect(members.get("ghost")?.status).toBe("alive");
  });
});

describe("serf member bounds", () => {
  test("beyond membersMax the member failed the longest is forgotten; live ones are kept", () => {
    const { members, events, advance } = setup("me", 3);
    members.onNodeJoin(node("me"));
    members.onNodeJoin(node("a"));
    members.onNodeJoin(node("b"));
    members.onNodeLeave(node("a", "dead"));
    advance(10);
    members.onNodeLeave(node("b", "dead"));
    events.length = 0;
    members.onNodeJoin(node("c"));
    expect(events).toEqual(["member-reap a", "member-join c"]);
    expect(members.list().map((m) => m.name).sort()).toEqual(["b", "c", "me"]);
  });

  test("intents about unknown nodes are bounded, oldest dropped first; bad names and far-future times are refused", () => {
    const { members, clock } = setup("me", 2);
    expect(members.onLeaveIntent({ ltime: 1, node: "x" })).toBe(true);
    expect(members.onLeaveIntent({ ltime: 2, node: "y" })).toBe(true);
    expect(members.onLeaveIntent({ ltime: 3, node: "z" })).toBe(true);
    // x was dropped to make room: the same intent is new again.
    expect(members.onLeaveIntent({ ltime: 1, node: "x" })).toBe(true);
    expect(members.onLeaveIntent({ ltime: 4, node: "bad\u0000name" })).toBe(false);
    expect(members.onLeaveIntent({ ltime: clock.time() + 2 ** 21, node: "w" })).toBe(false);
    expect(members.rejected).toEqual({ invalid_name: 1, implausible_ltime: 1 });
    expect(clock.time()).toBe(4);
  });
});
