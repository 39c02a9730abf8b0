import { describe, expect, test } from "bun:test";
import { createMaintenance, MAINTENANCE_ANNOUNCE_INTERVAL_MS, type MaintenanceGossip } from "../../src/agent/maintenance-setup.ts";
import type { MemberInfo } from "../../src/cluster/cluster-view.ts";
import { MAINTENANCE_EVENT_NAME } from "../../src/cluster/maintenance-window.ts";
import type { AgentEvent } from "../../src/events/agent-event.ts";
import { createEventStream } from "../../src/events/event-stream.ts";
import { createMemoryLogger } from "../../src/platform/logger.ts";
import { ManualClock } from "../../src/platform/manual-clock.ts";
import { memoryPrivateTextFiles } from "../../src/platform/private-text-files.ts";
import { createSeededRandom } from "../../src/platform/random.ts";

const T0 = Date.UTC(2026, 11, 1, 20, 0, 0);
const HOUR = 3600_000;
const member = (name: string, status: MemberInfo["status"] = "alive"): MemberInfo => ({ name, addr: "10.0.0.1", port: 7946, tags: {}, status });

/** One node's maintenance over a manual clock, a recorded gossip and files in memory. */
function node(name = "n1", files = new Map<string, string>(), clock = new ManualClock(T0)) {
  const events = createEventStream({ clock, logger: createMemoryLogger() });
  const seen: AgentEvent[] = [];
  events.subscribe("test", (e) => void seen.push(e));
  const logger = createMemoryLogger();
  const sent: string[] = [];
  const members = [member("n1"), member("n2"), member("n3")];
  const gossip: MaintenanceGossip = {
    // serf hands a node its own user event too, as the real serf layer does.
    userEvent: (eventName, payload) => {
      sent.push(new TextDecoder().decode(payload));
      events.publish({ type: "UserEvent", name: eventName, payload: new TextDecoder().decode(payload), payloadEncoding: "utf8", ltime: sent.length, coalesce: false });
    },
    members: () => members,
  };
  const maintenance = createMaintenance({ nodeName: name, stateDir: "/state", clock, random: createSeededRandom(7), logger, events, files: memoryPrivateTextFiles(files) });
  maintenance.attach(gossip);
  const hear = (payload: string) => events.publish({ type: "UserEvent", name: MAINTENANCE_EVENT_NAME, payload, payloadEncoding: "utf8", ltime: 0, coalesce: false });
  return { clock, events, seen, sent, maintenance, files, logger, members, hear };
}

describe("maintenance in the agent (manual clock)", () => {
  test("a window started here is published, kept on disk, gossiped, and ends by itself at until", async () => {
    const n = node();
    const result = n.maintenance.source.start({ node: "n2", durationMs: HOUR, reason: "kernel upgrade" });
    expect(result.ok).toBe(true);
    const id = result.ok ? result.window.id : "";
    expect(n.seen.filter((e) => e.type === "MaintenanceStarted").map((e) => e.type === "MaintenanceStarted" && [e.id, e.node, e.untilMs])).toEqual([[id, "n2", T0 + HOUR]]);
    expect(JSON.parse(n.files.get("/state/maintenance.json") ?? "{}").windows).toHaveLength(1);
    expect(JSON.parse(n.sent[0] ?? "{}")).toMatchObject({ v: 1, op: "start", w: { id, node: "n2", author: "n1" } });
    expect(n.maintenance.table.nodeWindow("n2")?.id).toBe(id);

    await n.clock.advance(HOUR - 1);
    expect(n.seen.some((e) => e.type === "MaintenanceEnded")).toBe(false);
    await n.clock.advance(1);
    expect(n.seen.filter((e) => e.type === "MaintenanceEnded").map((e) => e.type === "MaintenanceEnded" && [e.id, e.endedBy])).toEqual([[id, "expired"]]);
    expect(n.maintenance.table.nodeWindow("n2")).toBeUndefined();
    expect(JSON.parse(n.files.get("/state/maintenance.json") ?? "{}").windows).toEqual([]);
  });

  test("its author announces it again every minute; another node's window is not its to announce", async () => {
    const n = node();
    n.maintenance.source.start({ check: "docker", durationMs: HOUR, reason: "" });
    n.hear(JSON.stringify({ v: 1, op: "start", w: { id: "2222222222222222", node: "n3", author: "n2", startedAtMs: T0, untilMs: T0 + HOUR, reason: "" } }));
    const before = n.sent.length;
    await n.clock.advance(MAINTENANCE_ANNOUNCE_INTERVAL_MS);
    const again = n.sent.slice(before).map((p) => JSON.parse(p).w?.author);
    expect(again).toEqual(["n1"]);
    // The author gone, the first alive member by name (n1 here) answers for its window too.
    n.members[1] = member("n2", "failed");
    await n.clock.advance(MAINTENANCE_ANNOUNCE_INTERVAL_MS);
    expect(n.sent.slice(before + 1).map((p) => JSON.parse(p).w?.id).sort()).toEqual(["2222222222222222", n.maintenance.table.checkWindow("x", "docker")?.id].sort());
  });

  test("ending by node, by check or by id: published with who ended it, and an end heard over gossip ends it too", () => {
    const n = node();
    n.maintenance.source.start({ node: "n2", durationMs: HOUR, reason: "" });
    n.maintenance.source.start({ check: "ntp", durationMs: HOUR, reason: "" });
    expect(n.maintenance.source.end({ node: "n2" }).map((w) => w.node)).toEqual(["n2"]);
    expect(n.maintenance.source.end({ node: "n2" })).toEqual([]);
    const ntp = n.maintenance.table.checkWindow("n2", "ntp")?.id as string;
    n.hear(JSON.stringify({ v: 1, op: "end", id: ntp, by: "n3", atMs: T0 }));
    expect(n.seen.filter((e) => e.type === "MaintenanceEnded").map((e) => e.type === "MaintenanceEnded" && [e.node ?? e.check, e.endedBy, e.by])).toEqual([["n2", "ended", "n1"], ["ntp", "ended", "n3"]]);
    // A late re-announcement of the ended window does not revive it.
    n.hear(JSON.stringify({ v: 1, op: "start", w: { id: ntp, check: "ntp", author: "n1", startedAtMs: T0, untilMs: T0 + HOUR, reason: "" } }));
    expect(n.maintenance.table.active()).toEqual([]);
  });

  test("hostile or broken messages from the network change nothing and are logged once a minute", () => {
    const n = node();
    for (const payload of ["{", JSON.stringify({ v: 1, op: "start", w: { id: "3333333333333333", node: "n2", author: "n2", startedAtMs: T0, untilMs: T0 + 30 * 24 * HOUR, reason: "" } }), "x".repeat(10_000)]) n.hear(payload);
    n.events.publish({ type: "UserEvent", name: MAINTENANCE_EVENT_NAME, payload: "AAEC", payloadEncoding: "base64", ltime: 0, coalesce: false });
    expect(n.maintenance.table.active()).toEqual([]);
    expect(n.seen.some((e) => e.type === "MaintenanceStarted")).toBe(false);
    expect(n.logger.lines.filter((l) => l.includes("maintenance message refused"))).toHaveLength(1);
  });

  test("a restart finds its windows in the state file; one that ended meanwhile ends at start", async () => {
    const files = new Map<string, string>();
    const clock = new ManualClock(T0);
    const first = node("n1", files, clock);
    first.maintenance.source.start({ node: "n2", durationMs: 2 * HOUR, reason: "" });
    first.maintenance.source.start({ node: "n3", durationMs: HOUR, reason: "" });
    first.maintenance.stop();
    clock.skewWall(90 * 60_000);
    const second = node("n1", files, clock);
    expect(second.maintenance.table.active().map((w) => w.node)).toEqual(["n2"]);
    expect(second.seen.filter((e) => e.type === "MaintenanceEnded").map((e) => e.type === "MaintenanceEnded" && [e.node, e.endedBy])).toEqual([["n3", "expired"]]);
    // A damaged file is ignored with a warning, not a crash.
    files.set("/state/maintenance.json", "{not json");
    const third = node("n1", files, clock);
    expect(third.maintenance.table.active()).toEqual([]);
    expect(third.logger.lines.some((l) => l.includes("maintenance state ignored"))).toBe(true);
  });

  test("starting refuses a node that is no member, and a window too large for a user event", () => {
    const n = node();
    expect(n.maintenance.source.start({ node: "ghost", durationMs: HOUR, reason: "" })).toMatchObject({ ok: false, status: 404 });
    expect(n.maintenance.source.start({ node: "n2", check: "c".repeat(128), durationMs: HOUR, reason: "r".repeat(160) })).toMatchObject({ ok: false, status: 400 });
    expect(n.sent).toEqual([]);
  });
});
