import { describe, expect, test } from "bun:test";
import { parseEventFilter, parseEventFilterList } from "../../src/events/event-filter.ts";
import { replayAfter } from "../../src/events/event-replay.ts";
import { createEventStream } from "../../src/events/event-stream.ts";
import { silentLogger } from "../../src/platform/logger.ts";

describe("event filter", () => {
  test.each([
    ["", ["ProbeRun", "NodeFailed", "UserEvent"], []],
    ["probe", ["ProbeRun", "ProbeFailed"], ["NodeFailed", "ClusterDegraded"]],
    ["cluster, NodeFailed", ["ClusterDegraded", "ClusterHealthy", "NodeFailed"], ["NodeAdded", "ProbeFailed"]],
    ["user,agent", ["UserEvent", "StoreWriteFailed"], ["ProbeRun"]],
  ] as const)("%p", (text, accepted, refused) => {
    const parsed = parseEventFilterList(text);
    if (!parsed.ok) throw new Error(parsed.error);
    const kindOf = (type: string) => (type.startsWith("Probe") ? "probe" : type.startsWith("Node") ? "node" : type.startsWith("Cluster") ? "cluster" : type === "UserEvent" ? "user" : "agent");
    for (const type of accepted) expect({ type, accepted: parsed.filter.accepts({ type, kind: kindOf(type) } as never) }).toEqual({ type, accepted: true });
    for (const type of refused) expect({ type, accepted: parsed.filter.accepts({ type, kind: kindOf(type) } as never) }).toEqual({ type, accepted: false });
  });

  test("an unknown name is refused, named, with what is allowed; names are case-sensitive; the count is bounded", () => {
    const bad = parseEventFilterList("probe,probefailed");
    expect(bad.ok).toBe(false);
    if (!bad.ok) {
      expect(bad.error).toStartWith('"probefailed" is not an event kind or type (allowed: kinds probe, node, cluster, user, agent; or types ProbeRun, ProbeFailed,');
    }
    const many = parseEventFilter(Array.from({ length: 65 }, () => "probe"));
    expect(many).toEqual({ ok: false, error: "65 event kinds and types given; at most 64" });
    const ok = parseEventFilterList(" probe , probe,NodeFailed ");
    expect(ok.ok && ok.filter.names).toEqual(["probe", "NodeFailed"]);
  });
});

describe("replayAfter", () => {
  const stream = (retainedMax: number, count: number) => {
    const s = createEventStream({ clock: { nowMs: () => 0 }, logger: silentLogger, retainedMax });
    for (let i = 0; i < count; i++) s.publish({ type: "NodeFailed", node: `n${i}`, newState: "failed" });
    return s;
  };
  const seqs = (r: ReturnType<typeof replayAfter>) => ({ seqs: r.events.map((e) => e.seq), missed: r.missed, restarted: r.restarted });

  test("what came after the consumer's seq when all of it is retained", () => {
    expect(seqs(replayAfter(stream(5, 10), 7))).toEqual({ seqs: [8, 9, 10], missed: 0, restarted: false });
    expect(seqs(replayAfter(stream(5, 10), 10))).toEqual({ seqs: [], missed: 0, restarted: false });
  });

  test("everything retained and how many were forgotten, for every distance", () => {
    for (let after = 0; after < 5; after++) {
      expect(seqs(replayAfter(stream(5, 10), after))).toEqual({ seqs: [6, 7, 8, 9, 10], missed: 5 - after, restarted: false });
    }
    expect(seqs(replayAfter(stream(1, 1000), 3))).toEqual({ seqs: [1000], missed: 996, restarted: false });
  });

  test("a seq ahead of the stream means the agent restarted: everything retained, from the start", () => {
    expect(seqs(replayAfter(stream(5, 3), 90))).toEqual({ seqs: [1, 2, 3], missed: 0, restarted: true });
    expect(seqs(replayAfter(stream(5, 8), 90))).toEqual({ seqs: [4, 5, 6, 7, 8], missed: 3, restarted: true });
  });
});
