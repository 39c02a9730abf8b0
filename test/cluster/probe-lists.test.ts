import { describe, expect, test } from "bun:test";
import { LocalProbeList } from "../../src/cluster/local-probe-list.ts";
import type { ProbeDeltaMessage } from "../../src/cluster/probe-sync-messages.ts";
import { RemoteProbeLists } from "../../src/cluster/remote-probe-lists.ts";
import type { Probe } from "../../src/events/health-state.ts";

/**
 * The owner's list and a receiver's copy, wired by hand: what the owner publishes reaches the
 * receiver as deltas (some lost, reordered or repeated) and catch-up replies; the copy must end
 * equal to the owner's and every change must come out of the receiver exactly once.
 */
const EPOCH = 1_000_000;
const STARTED = 500;

function owner(epoch = EPOCH) {
  const list = new LocalProbeList("n1", epoch);
  const deltas: ProbeDeltaMessage[] = [];
  const publish = () => {
    const d = list.publish();
    if (d) deltas.push({ type: "probeDelta", owner: "n1", epoch, ...d, part: 0, parts: 1 });
    return deltas.at(-1) as ProbeDeltaMessage;
  };
  return { list, deltas, publish };
}

const running = (checker: string): Probe => ({ checker, status: "running" });
const failed = (checker: string, error: string): Probe => ({ checker, status: "failed", error });

describe("LocalProbeList (the owner)", () => {
  test("a status change is urgent, a failing check's new text can wait, a running check's new figures wait for its next change", () => {
    const { list } = owner();
    expect(list.update([running("a"), { ...running("b"), detail: "12% used" }])).toBe("state");
    expect(list.publish()).toMatchObject({ base: 0, seq: 2 });
    expect(list.update([running("a"), { ...running("b"), detail: "12% used" }])).toBe("none");
    expect(list.update([running("a"), { ...running("b"), detail: "13% used" }])).toBe("none");
    expect(list.publish()).toBeUndefined();
    expect(list.update([failed("a", "x"), { ...running("b"), detail: "13% used" }])).toBe("state");
    // Only the check that changed goes out; b's new figures wait for b's own next change.
    expect(list.publish()?.checks.map((c) => c.name)).toEqual(["a"]);
    expect(list.update([failed("a", "y"), { ...running("b"), detail: "13% used" }])).toBe("text");
    expect(list.update([{ ...failed("a", "x"), severity: "warning" }, running("b")])).toBe("state");
    expect(list.update([failed("a", "x"), failed("a", "z"), running("b")])).toBe("state");
  });

  test("changes get their seq when published; the stamp and the answer are those of the last publication", () => {
    const { list } = owner();
    list.update([running("a")]);
    expect(list.stamp()).toBe(0);
    const first = list.publish();
    expect(first?.checks.map((c) => [c.name, c.seq])).toEqual([["a", 1]]);
    const stamp = list.stamp();
    expect(stamp).not.toBe(0);
    list.update([failed("a", "new text, not yet published")]);
    expect(list.stamp()).toBe(stamp);
    expect(list.answer({ type: "probeListRequest", owner: "n1", epoch: 0, covered: 0, hash: 0 }).checks?.[0]?.probes).toEqual([{ status: "running" }]);
    list.addTransition({ tsMs: 1234.5, probe: "a", failed: true, severity: "critical", error: "boom" });
    const second = list.publish();
    expect(second).toMatchObject({ base: 1, seq: 3, transitions: [{ seq: 3, tsMs: 1234.5, probe: "a", failed: true, error: "boom" }] });
    expect(list.stamp()).not.toBe(stamp);
    // Same epoch and hash: no checks, only the changes after `covered`.
    const reply = list.answer({ type: "probeListRequest", owner: "n1", epoch: EPOCH, covered: 2, hash: list.stamp() });
    expect(reply.checks).toBeUndefined();
    expect(reply.transitions.map((t) => t.seq)).toEqual([3]);
    // Another epoch gets everything the owner kept.
    expect(list.answer({ type: "probeListRequest", owner: "n1", epoch: 7, covered: 99, hash: 0 }).transitions.map((t) => t.seq)).toEqual([3]);
  });
});

describe("RemoteProbeLists (a receiver)", () => {
  test("deltas in order keep the copy equal; each change comes out once, a repeated packet adds nothing", () => {
    const o = owner();
    const r = new RemoteProbeLists(STARTED);
    o.list.update([running("a")]);
    expect(r.applyDelta(o.publish(), 1)).toEqual([]);
    o.list.update([failed("a", "disk full")]);
    o.list.addTransition({ tsMs: 600, probe: "a", failed: true, severity: "critical", error: "disk full" });
    const d = o.publish();
    expect(r.applyDelta(d, 2).map((t) => t.seq)).toEqual([3]);
    expect(r.applyDelta(d, 3)).toEqual([]);
    expect(r.needsPull("n1")).toBe(false);
    expect(r.view("n1")).toEqual({ probes: [{ checker: "a", status: "failed", error: "disk full" }], reportedAtMs: 3 });
  });

  test("a lost delta is a gap: the catch-up reply fills it, and what came out of order is not repeated", () => {
    const o = owner();
    const r = new RemoteProbeLists(STARTED);
    o.list.update([running("a"), running("b")]);
    r.applyDelta(o.publish(), 1);
    o.list.update([failed("a", "x"), running("b")]);
    o.list.addTransition({ tsMs: 700, probe: "a", failed: true, severity: "critical" });
    o.publish(); // lost
    o.list.update([failed("a", "x"), failed("b", "y")]);
    o.list.addTransition({ tsMs: 800, probe: "b", failed: true, severity: "critical" });
    const third = o.publish();
    expect(r.applyDelta(third, 2).map((t) => t.probe)).toEqual(["b"]);
    expect(r.needsPull("n1")).toBe(true);
    const reply = o.list.answer(r.request("n1"));
    expect(r.applyReply(reply, 3).map((t) => t.probe)).toEqual(["a"]);
    expect(r.needsPull("n1")).toBe(false);
    expect(r.view("n1")?.probes.map((p) => `${p.checker}:${p.status}`)).toEqual(["a:failed", "b:failed"]);
  });

  test("a probe that failed and recovered while its deltas were lost: the hash in the next ack says so", () => {
    const o = owner();
    const r = new RemoteProbeLists(STARTED);
    o.list.update([running("a")]);
    r.applyDelta(o.publish(), 1);
    o.list.update([failed("a", "x")]);
    o.list.addTransition({ tsMs: 700, probe: "a", failed: true, severity: "critical" });
    o.publish(); // lost
    o.list.update([running("a")]);
    o.list.addTransition({ tsMs: 800, probe: "a", failed: false, severity: "critical" });
    o.publish(); // lost
    // The list looks as it did, but the owner's hash covers its changes too.
    expect(r.noteStamp("n1", o.list.stamp(), 2)).toBe(true);
    expect(r.needsPull("n1")).toBe(true);
    expect(r.applyReply(o.list.answer(r.request("n1")), 3).map((t) => t.failed)).toEqual([true, false]);
    expect(r.noteStamp("n1", o.list.stamp(), 4)).toBe(false);
    expect(r.view("n1")?.reportedAtMs).toBe(4);
  });

  test("first contact with a running owner: its list, but none of the changes from before this agent started", () => {
    const o = owner();
    o.list.update([failed("a", "x")]);
    o.list.addTransition({ tsMs: 100, probe: "a", failed: true, severity: "critical" });
    o.publish();
    const r = new RemoteProbeLists(STARTED);
    expect(r.needsPull("n1")).toBe(true);
    expect(r.applyReply(o.list.answer(r.request("n1")), 1)).toEqual([]);
    expect(r.view("n1")?.probes).toEqual([{ checker: "a", status: "failed", error: "x" }]);
    o.list.update([running("a")]);
    o.list.addTransition({ tsMs: 900, probe: "a", failed: false, severity: "critical" });
    expect(r.applyDelta(o.publish(), 2).map((t) => t.tsMs)).toEqual([900]);
  });

  test("a restarted owner (new epoch) starts over; a late packet of its previous process is ignored", () => {
    const old = owner(EPOCH);
    const r = new RemoteProbeLists(STARTED);
    old.list.update([failed("a", "old")]);
    const oldDelta = old.publish();
    r.applyDelta(oldDelta, 1);
    const fresh = owner(EPOCH + 60_000);
    fresh.list.update([failed("a", "old")]);
    fresh.list.addTransition({ tsMs: EPOCH + 60_100, probe: "a", failed: true, severity: "critical" });
    // Same-looking list, new process: the ack's hash differs.
    expect(r.noteStamp("n1", (fresh.publish(), fresh.list.stamp()), 2)).toBe(true);
    expect(r.applyReply(fresh.list.answer(r.request("n1")), 3).map((t) => t.tsMs)).toEqual([EPOCH + 60_100]);
    expect(r.applyDelta(oldDelta, 4)).toEqual([]);
    expect(r.needsPull("n1")).toBe(false);
  });

  test("a delta split over packets counts only once every part arrived", () => {
    const o = owner();
    const r = new RemoteProbeLists(STARTED);
    o.list.update([running("a"), running("b")]);
    const whole = o.publish();
    const [a, b] = whole.checks;
    r.applyDelta({ ...whole, checks: [a!], parts: 2, part: 0 }, 1);
    expect(r.needsPull("n1")).toBe(true);
    r.applyDelta({ ...whole, checks: [b!], parts: 2, part: 1 }, 2);
    expect(r.needsPull("n1")).toBe(false);
  });

  test("a member back from a partition counts as behind until its owner answered", () => {
    const o = owner();
    const r = new RemoteProbeLists(STARTED);
    o.list.update([running("a")]);
    r.applyDelta(o.publish(), 1);
    r.suspect("n1");
    expect(r.needsPull("n1")).toBe(true);
    const reply = o.list.answer(r.request("n1"));
    expect(reply.checks).toBeUndefined();
    r.applyReply(reply, 2);
    expect(r.needsPull("n1")).toBe(false);
  });
});
