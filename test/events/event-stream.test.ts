import { describe, expect, test } from "bun:test";
import { EVENT_KIND_OF, EVENT_TYPES, type AgentEvent } from "../../src/events/agent-event.ts";
import { subscribeAsync } from "../../src/events/async-subscriber.ts";
import { createEventStream } from "../../src/events/event-stream.ts";
import { TIMELINE_EVENT_TYPES, toTimelineEvent } from "../../src/events/timeline-event.ts";
import { createMemoryLogger } from "../../src/platform/logger.ts";

function stream(retainedMax?: number) {
  const logger = createMemoryLogger();
  let now = 1000;
  const events = createEventStream({ clock: { nowMs: () => now }, logger, retainedMax });
  return { events, logger, tick: (ms: number) => (now += ms) };
}

const cluster = (newState: "running" | "degraded") => ({ type: newState === "degraded" ? ("ClusterDegraded" as const) : ("ClusterHealthy" as const), oldState: "running", newState });

describe("event stream", () => {
  test("stamps seq from 1, the kind of the type, and the clock's time unless the producer gave one", () => {
    const { events, tick } = stream();
    const first = events.publish(cluster("degraded"));
    tick(5);
    const second = events.publish({ ts: 42, type: "NodeFailed", node: "n2" });
    expect(first).toMatchObject({ seq: 1, ts: 1000, kind: "cluster", type: "ClusterDegraded" });
    expect(second).toMatchObject({ seq: 2, ts: 42, kind: "node" });
    expect(events.lastSeq()).toBe(2);
    expect(events.stats().publishedByType).toEqual({ ClusterDegraded: 1, NodeFailed: 1 });
  });

  test("an event published by a listener is delivered after the current one, so every listener sees sequence order", () => {
    const { events } = stream();
    const first: number[] = [];
    const second: number[] = [];
    events.subscribe("reacts", (e) => {
      first.push(e.seq);
      if (e.type === "NodeDegraded") events.publish(cluster("degraded"));
    });
    events.subscribe("watches", (e) => second.push(e.seq));
    events.publish({ type: "NodeDegraded", node: "n1", oldState: "running", newState: "degraded" });
    expect(first).toEqual([1, 2]);
    expect(second).toEqual([1, 2]);
  });

  test("a listener that throws is logged and counted and never stops the others or the producer", () => {
    const { events, logger } = stream();
    const seen: string[] = [];
    events.subscribe("broken", () => {
      throw new Error("boom");
    });
    events.subscribe("fine", (e) => seen.push(e.type));
    for (let i = 0; i < 5; i++) events.publish(cluster(i % 2 ? "running" : "degraded"));
    expect(seen).toHaveLength(5);
    expect(events.stats().listenerErrors).toEqual({ broken: 5 });
    // Logged on the 1st, 2nd and 4th failure: visible, but a listener failing every time does not flood the log.
    expect(logger.lines.filter((l) => l.includes("event subscriber failed") && l.includes("broken"))).toHaveLength(3);
  });

  test("unsubscribing stops delivery", () => {
    const { events } = stream();
    const seen: number[] = [];
    const stop = events.subscribe("x", (e) => seen.push(e.seq));
    events.publish(cluster("degraded"));
    stop();
    events.publish(cluster("running"));
    expect(seen).toEqual([1]);
  });

  test("since(seq) replays what a consumer missed, and says so when the events are already forgotten", () => {
    const { events } = stream(3);
    for (let i = 0; i < 5; i++) events.publish(cluster(i % 2 ? "running" : "degraded"));
    expect(events.since(5)).toEqual([]);
    expect(events.since(3)?.map((e) => e.seq)).toEqual([4, 5]);
    expect(events.since(2)?.map((e) => e.seq)).toEqual([3, 4, 5]);
    expect(events.since(1)).toBeUndefined();
    expect(events.since(0)).toBeUndefined();
  });

  test("every type has a kind, and every timeline type but LeaderElected is an agent event kept in the timeline", () => {
    expect(EVENT_TYPES.length).toBe(Object.keys(EVENT_KIND_OF).length);
    const { events } = stream();
    const kept = new Set<string>();
    const samples: Parameters<typeof events.publish>[0][] = [
      { type: "ProbeFailed", node: "n", probe: "p", oldState: "running", newState: "failed", severity: "critical" },
      { type: "ProbeSucceeded", node: "n", probe: "p", oldState: "failed", newState: "running", severity: "critical" },
      { type: "NodeAdded", node: "n", newState: "alive" },
      { type: "NodeRemoved", node: "n", oldState: "alive", newState: "left" },
      { type: "NodeDegraded", node: "n", newState: "degraded" },
      { type: "NodeHealthy", node: "n", oldState: "degraded", newState: "running" },
      cluster("degraded"),
      cluster("running"),
      { type: "TagsChanged", node: "n", tags: { redis: "yes" }, set: { redis: "yes" }, removed: ["os"] },
      { type: "MaintenanceStarted", id: "0123456789abcdef", node: "n", author: "m", untilMs: 1_796_155_200_000, reason: "reboot" },
      { type: "MaintenanceEnded", id: "0123456789abcdef", check: "docker", author: "m", untilMs: 1_796_155_200_000, reason: "reboot", endedBy: "ended", by: "m" },
      { type: "ExecRan", node: "n", requestId: "ab".repeat(16), requester: "m api 127.0.0.1", argv: ["uptime"], outcome: "ran", exitCode: 0, durationMs: 3 },
      { type: "KeyringChanged", node: "n", op: "install", requester: "m", outcome: "changed", keys: 2 },
    ];
    for (const input of samples) {
      const entry = toTimelineEvent(events.publish(input));
      if (entry) kept.add(entry.type);
    }
    expect([...kept].sort()).toEqual(TIMELINE_EVENT_TYPES.filter((t) => t !== "LeaderElected").sort());
    expect(toTimelineEvent(events.publish({ type: "NodeFailed", node: "n" }))).toBeUndefined();
    // When and why a window started, and how it ended, in the state columns; a check everywhere has no node.
    expect(toTimelineEvent(events.publish({ type: "MaintenanceStarted", id: "0123456789abcdef", node: "n", author: "m", untilMs: 1_796_155_200_000, reason: "reboot" }))).toEqual({ timestamp: 1000, type: "MaintenanceStarted", node: "n", newState: "maintenance until 2026-12-01T20:00:00.000Z: reboot" });
    expect(toTimelineEvent(events.publish({ type: "MaintenanceEnded", id: "0123456789abcdef", check: "docker", author: "m", untilMs: 1_796_155_200_000, reason: "", endedBy: "ended", by: "m" }))).toEqual({ timestamp: 1000, type: "MaintenanceEnded", probe: "docker", oldState: "maintenance", newState: "ended by m" });
    expect(toTimelineEvent(events.publish({ type: "NodeAdded", node: "n", newState: "alive" }))).toEqual({ timestamp: 1000, type: "NodeAdded", node: "n", newState: "alive" });
    // A remote exec: the command, who asked (with the request id), the outcome and why.
    expect(toTimelineEvent(events.publish({ type: "ExecRan", node: "n", requestId: "ab".repeat(16), requester: "m api 127.0.0.1 loopback", argv: ["rm", "-rf", "/"], outcome: "refused", reason: "not in the allowlist", durationMs: 0 }))).toEqual({ timestamp: 1000, type: "ExecRan", node: "n", probe: "rm -rf /", oldState: `requested by m api 127.0.0.1 loopback (id ${"ab".repeat(16)})`, newState: "refused", error: "not in the allowlist" });
    expect(toTimelineEvent(events.publish({ type: "ExecRan", node: "n", requestId: "ab".repeat(16), requester: "m", argv: ["sleep", "60"], outcome: "ran", exitCode: null, timedOut: true, durationMs: 10_000 }))?.newState).toBe("ran: timed out");
    expect(toTimelineEvent(events.publish({ type: "ExecRan", node: "n", requestId: "ab".repeat(16), requester: "m", argv: ["false"], outcome: "ran", exitCode: 1, durationMs: 1 }))?.newState).toBe("ran: exit 1");
    // A key query answered: who asked, what was done, why it was refused; never a key.
    expect(toTimelineEvent(events.publish({ type: "KeyringChanged", node: "n", op: "remove", requester: "m", outcome: "refused", reason: "Removing the primary key is not allowed", keys: 1 }))).toEqual({ timestamp: 1000, type: "KeyringChanged", node: "n", probe: "gossip keyring", oldState: "requested by m", newState: "remove: refused", error: "Removing the primary key is not allowed" });
    // Detected tags before and after, so the timeline says what a node became.
    expect(toTimelineEvent(events.publish({ type: "TagsChanged", node: "n", tags: { os: "debian", redis: "yes" }, set: { redis: "yes" }, removed: ["mysql"] }))).toEqual({
      timestamp: 1000,
      type: "TagsChanged",
      node: "n",
      oldState: "mysql,os=debian",
      newState: "os=debian,redis=yes",
    });
    // The reason of a failure is kept, so history still says why after the probe recovered.
    expect(toTimelineEvent(events.publish({ type: "ProbeFailed", node: "n", probe: "etcd", oldState: "running", newState: "failed", severity: "critical", error: "connection refused by 10.0.0.5:2379" }))).toEqual({
      timestamp: 1000,
      type: "ProbeFailed",
      node: "n",
      probe: "etcd",
      oldState: "running",
      newState: "failed",
      error: "connection refused by 10.0.0.5:2379",
    });
  });
});

describe("async subscriber", () => {
  test("a stalled consumer never stalls the producer: its queue is bounded, oldest dropped and counted", async () => {
    const { events, logger } = stream();
    const handled: number[] = [];
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const sub = subscribeAsync(events, {
      name: "slow",
      queueLengthMax: 3,
      logger,
      handle: async (e) => {
        await gate;
        handled.push(e.seq);
      },
    });
    for (let i = 0; i < 10; i++) events.publish(cluster(i % 2 ? "running" : "degraded"));
    // All ten were published synchronously while the consumer had not even started.
    expect(events.lastSeq()).toBe(10);
    await Promise.resolve();
    release();
    await sub.idle();
    // The consumer starts after the synchronous burst: only the newest three fit.
    expect(sub.stats()).toMatchObject({ queued: 10, dropped: 7, handled: 3, failed: 0 });
    expect(handled).toEqual([8, 9, 10]);
    expect(logger.lines.some((l) => l.includes("event consumer too slow") && l.includes("slow"))).toBe(true);
    await sub.stop();
  });

  test("a failing handler is counted and the next event still follows; accept() filters", async () => {
    const { events, logger } = stream();
    const handled: string[] = [];
    const sub = subscribeAsync(events, {
      name: "picky",
      queueLengthMax: 10,
      logger,
      accept: (e: AgentEvent) => e.kind === "cluster",
      handle: async (e) => {
        if (e.seq === 1) throw new Error("endpoint down");
        handled.push(e.type);
      },
    });
    events.publish(cluster("degraded"));
    events.publish({ type: "NodeFailed", node: "n" });
    events.publish(cluster("running"));
    await sub.idle();
    expect(handled).toEqual(["ClusterHealthy"]);
    expect(sub.stats()).toMatchObject({ queued: 2, handled: 1, failed: 1, dropped: 0 });
    await sub.stop();
    events.publish(cluster("degraded"));
    await sub.idle();
    expect(sub.stats().queued).toBe(2);
  });
});
