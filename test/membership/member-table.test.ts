import { describe, expect, test } from "bun:test";
import { Awareness } from "../../src/membership/awareness.ts";
import { BroadcastQueue } from "../../src/membership/broadcast-queue.ts";
import { lanConfig } from "../../src/membership/config-presets.ts";
import { estimateEncodedSize } from "../../src/membership/estimated-size.ts";
import { MemberTable } from "../../src/membership/member-table.ts";
import type { AliveMessage, GossipMessage } from "../../src/membership/messages.ts";
import { silentLogger } from "../../src/platform/logger.ts";
import { ManualClock } from "../../src/platform/manual-clock.ts";
import { createSeededRandom } from "../../src/platform/random.ts";

function setup(validateMeta?: (meta: Uint8Array) => string | undefined) {
  const clock = new ManualClock();
  const awareness = new Awareness(8);
  let table: MemberTable | undefined;
  const broadcasts = new BroadcastQueue<GossipMessage>({ retransmitMult: 4, numNodes: () => table?.size() ?? 1, maxQueued: 100 });
  const events: string[] = [];
  table = new MemberTable({
    config: lanConfig("me"),
    clock,
    random: createSeededRandom(1),
    logger: silentLogger,
    awareness,
    broadcasts,
    encodedSize: estimateEncodedSize,
    validateMeta,
    events: {
      onJoin: (n) => events.push(`join ${n.name}`),
      onLeave: (n) => events.push(`${n.state} ${n.name}`),
      onUpdate: (n) => events.push(`update ${n.name}`),
    },
  });
  table.aliveNode(alive("me", 1), "local");
  events.length = 0;
  /** What was queued since the last call. */
  const queued = (): GossipMessage[] => {
    const items = broadcasts.take(0, 100_000).items;
    broadcasts.clear();
    return items;
  };
  queued();
  return { clock, awareness, table, events, queued };
}

function alive(node: string, incarnation: number, meta: number[] = []): AliveMessage {
  return { type: "alive", incarnation, node, addr: `10.0.0.${node.length}`, port: 7946, meta: new Uint8Array(meta), vsn: [1, 5, 2, 2, 5, 5] };
}

describe("member table: incarnation rules", () => {
  test("a repeated alive is dropped before its meta is checked; news is still checked", () => {
    const checked: string[] = [];
    const { table, events } = setup((meta) => void checked.push(String(meta[0])));
    table.aliveNode(alive("b", 3, [1]));
    table.aliveNode(alive("b", 3, [1]));
    table.aliveNode(alive("b", 2, [2]));
    expect(checked).toEqual(["1"]);
    table.aliveNode(alive("b", 4, [3]));
    table.aliveNode({ ...alive("b", 4, [4]), addr: "10.0.9.9" });
    expect(checked).toEqual(["1", "3", "4"]);
    expect(events).toEqual(["join b", "update b"]);
  });

  test("alive: new node joins; equal or lower incarnation ignored; greater accepted; meta change is an update", () => {
    const { table, events, queued } = setup();
    table.aliveNode(alive("b", 3));
    expect(events).toEqual(["join b"]);
    expect(queued()).toMatchObject([{ type: "alive", node: "b", incarnation: 3 }]);
    table.aliveNode(alive("b", 3, [1]));
    table.aliveNode(alive("b", 2, [1]));
    expect(table.get("b")?.meta.length).toBe(0);
    table.aliveNode(alive("b", 4, [1]));
    expect(events).toEqual(["join b", "update b"]);
    expect(table.get("b")).toMatchObject({ incarnation: 4, state: "alive" });
  });

  test.each([
    ["suspect", 2, "alive", 3],
    ["suspect", 3, "suspect", 3],
    ["suspect", 5, "suspect", 5],
    ["dead", 2, "alive", 3],
    ["dead", 3, "dead", 3],
    ["dead", 4, "dead", 4],
  ] as const)("%s at incarnation %d about a node alive at 3 -> %s at %d", (type, incarnation, state, after) => {
    const { table } = setup();
    table.aliveNode(alive("b", 3));
    if (type === "suspect") table.suspectNode({ type, incarnation, node: "b", from: "c" });
    else table.deadNode({ type, incarnation, node: "b", from: "c" });
    expect(table.get("b")).toMatchObject({ state, incarnation: after });
  });

  test("dead with from == node means left, and a dead node can still be upgraded to left", () => {
    const { table, events } = setup();
    table.aliveNode(alive("b", 1));
    table.aliveNode(alive("c", 1));
    table.deadNode({ type: "dead", incarnation: 1, node: "b", from: "b" });
    table.deadNode({ type: "dead", incarnation: 1, node: "c", from: "x" });
    table.deadNode({ type: "dead", incarnation: 1, node: "c", from: "c" });
    expect(table.get("b")?.state).toBe("left");
    expect(table.get("c")?.state).toBe("left");
    expect(events).toEqual(["join b", "join c", "left b", "dead c", "left c"]);
  });

  test("a dead node comes back only with a greater incarnation", () => {
    const { table, events } = setup();
    table.aliveNode(alive("b", 2));
    table.deadNode({ type: "dead", incarnation: 2, node: "b", from: "x" });
    table.aliveNode(alive("b", 2));
    expect(table.get("b")?.state).toBe("dead");
    table.aliveNode(alive("b", 3));
    expect(table.get("b")?.state).toBe("alive");
    expect(events).toEqual(["join b", "dead b", "join b"]);
  });

  test.each([
    ["suspect", 1, 2],
    ["suspect", 7, 8],
    ["dead", 1, 2],
    ["dead", 9, 10],
  ] as const)("%s about ourselves at %d is refuted with alive at %d", (type, accused, refutedAt) => {
    const { table, awareness, queued } = setup();
    if (type === "suspect") table.suspectNode({ type, incarnation: accused, node: "me", from: "x" });
    else table.deadNode({ type, incarnation: accused, node: "me", from: "x" });
    expect(table.get("me")).toMatchObject({ state: "alive", incarnation: refutedAt });
    expect(awareness.score()).toBe(1);
    expect(queued()).toMatchObject([{ type: "alive", node: "me", incarnation: refutedAt }]);
  });

  test("an alive about ourselves with other meta is refuted; our own echo is not", () => {
    const { table, queued } = setup();
    table.aliveNode(alive("me", 1));
    expect(queued()).toEqual([]);
    table.aliveNode(alive("me", 1, [9]));
    expect(table.get("me")?.incarnation).toBe(2);
    expect(queued()).toMatchObject([{ type: "alive", node: "me", incarnation: 2 }]);
  });

  test("leaving: our own dead{from: self} is accepted as left", () => {
    const { table, events } = setup();
    let done = false;
    table.aliveNode(alive("b", 1));
    table.leave(() => (done = true));
    expect(table.get("me")?.state).toBe("left");
    expect(events).toEqual(["join b", "left me"]);
    expect(done).toBe(false);
  });

  test("a suspicion about a node we know left is answered with the leave", () => {
    const { table, queued } = setup();
    table.aliveNode(alive("b", 1));
    table.deadNode({ type: "dead", incarnation: 1, node: "b", from: "b" });
    queued();
    table.suspectNode({ type: "suspect", incarnation: 1, node: "b", from: "c" });
    expect(queued()).toMatchObject([{ type: "dead", node: "b", from: "b" }]);
    expect(table.get("b")?.state).toBe("left");
  });
});

describe("member table: suspicion", () => {
  test("an unconfirmed suspicion in a small cluster expires at min and declares dead from us", async () => {
    const { table, clock, events } = setup();
    table.aliveNode(alive("b", 1));
    table.suspectNode({ type: "suspect", incarnation: 1, node: "b", from: "me" });
    await clock.advance(3999);
    expect(table.get("b")?.state).toBe("suspect");
    await clock.advance(1);
    expect(table.get("b")?.state).toBe("dead");
    expect(events).toEqual(["join b", "dead b"]);
  });

  test("with enough nodes the timeout starts at max and confirmations shorten it", async () => {
    const { table, clock } = setup();
    for (let i = 0; i < 9; i++) table.aliveNode(alive(`n${i}`, 1));
    table.suspectNode({ type: "suspect", incarnation: 1, node: "n0", from: "me" });
    table.suspectNode({ type: "suspect", incarnation: 1, node: "n0", from: "n1" });
    table.suspectNode({ type: "suspect", incarnation: 1, node: "n0", from: "n2" });
    await clock.advance(4000);
    expect(table.get("n0")?.state).toBe("dead");
  });

  test("a refutation (alive with greater incarnation) cancels the suspicion", async () => {
    const { table, clock, events } = setup();
    table.aliveNode(alive("b", 1));
    table.suspectNode({ type: "suspect", incarnation: 1, node: "b", from: "me" });
    table.aliveNode(alive("b", 2));
    await clock.advance(30_000);
    expect(table.get("b")?.state).toBe("alive");
    expect(events).toEqual(["join b"]);
  });

  test("a refutation goes out before the news of joins, at the refuting node and at the nodes that pass it on", async () => {
    const { table, queued } = setup();
    table.aliveNode(alive("b", 1));
    table.suspectNode({ type: "suspect", incarnation: 1, node: "b", from: "c" });
    queued();
    table.aliveNode(alive("b", 2));
    for (let i = 0; i < 30; i++) table.aliveNode(alive(`joiner-${i}`, 1));
    expect(queued()[0]).toMatchObject({ type: "alive", node: "b", incarnation: 2 });
    table.suspectNode({ type: "suspect", incarnation: 1, node: "me", from: "c" });
    for (let i = 30; i < 60; i++) table.aliveNode(alive(`joiner-${i}`, 1));
    expect(queued()[0]).toMatchObject({ type: "alive", node: "me", incarnation: 2 });
  });

  test("a refutation already waiting when the suspicion runs out (a process that ran late) is read before dead is declared", async () => {
    const { table, clock, events } = setup();
    table.aliveNode(alive("b", 1));
    table.suspectNode({ type: "suspect", incarnation: 1, node: "b", from: "me" });
    // Due at the same instant as the suspicion's timer, and after it: the packet that arrived
    // while the process was not scheduled, read after the due timers.
    clock.setTimer(4000, () => table.aliveNode(alive("b", 2)));
    await clock.advance(4000);
    expect(table.get("b")).toMatchObject({ state: "alive", incarnation: 2 });
    expect(events).toEqual(["join b"]);
  });
});

describe("member table: push/pull merge", () => {
  test("alive -> alive, left -> left, suspect or dead -> only suspect", () => {
    const { table } = setup();
    table.aliveNode(alive("s", 1));
    table.aliveNode(alive("d", 1));
    const node = (name: string, state: 0 | 1 | 2 | 3, incarnation = 1) => ({ name, addr: "10.0.0.9", port: 7946, meta: new Uint8Array(), incarnation, state, vsn: [1, 5, 2, 2, 5, 5] as [number, number, number, number, number, number] });
    table.mergeRemote([node("a", 0), node("l", 0), node("s", 1), node("d", 2)], "gossip");
    table.mergeRemote([node("l", 3)], "gossip");
    expect(table.get("a")?.state).toBe("alive");
    expect(table.get("l")?.state).toBe("left");
    expect(table.get("s")?.state).toBe("suspect");
    expect(table.get("d")?.state).toBe("suspect");
    expect(table.localState().find((n) => n.name === "l")?.state).toBe(3);
  });
});
