import { describe, expect, test } from "bun:test";
import { notifierSchema } from "../../src/config/notifiers-schema.ts";
import type { ObservedAlert } from "../../src/notify/alert-state.ts";
import type { AckEntry } from "../../src/notify/acknowledgment.ts";
import { NotifierEngine, TAKEOVER_GRACE_MS, type NotificationEventInput } from "../../src/notify/notifier-engine.ts";
import type { OutgoingNotification } from "../../src/notify/notification-sender.ts";
import { NotificationText } from "../../src/notify/notification-text.ts";
import { changeFilter } from "../../src/notify/notifier-filter.ts";
import { Outbox } from "../../src/notify/outbox.ts";
import { ManualClock } from "../../src/platform/manual-clock.ts";
import { silentLogger } from "../../src/platform/logger.ts";
import { createSeededRandom } from "../../src/platform/random.ts";

function setup(options: { fail?: () => boolean } = {}) {
  const clock = new ManualClock();
  const config = notifierSchema().parse({ name: "hook", kind: "webhook", url: "http://h/x", quietPeriod: "10s" });
  const files = new Map<string, string>();
  const outbox = new Outbox("/state/notify.json", "hook", { read: (p) => files.get(p), writeAtomic: (p, t) => void files.set(p, t) }, silentLogger);
  const delivered: OutgoingNotification[] = [];
  const events: NotificationEventInput[] = [];
  const acks: AckEntry[][] = [];
  const engine = new NotifierEngine({
    config,
    quietPeriodMs: 10_000,
    repeatIntervalMs: 3_600_000,
    timeoutMs: 5000,
    localName: "n0",
    clock,
    random: createSeededRandom(1),
    logger: silentLogger,
    outbox,
    sender: {
      deliver: async (item) => {
        if (options.fail?.()) throw new Error("HTTP 503 from the receiver");
        delivered.push(item);
      },
    },
    text: new NotificationText(config),
    accepts: changeFilter(config),
    publish: (e) => void events.push(e),
    acknowledge: (entries) => void acks.push(entries),
  });
  const observe = (state: ObservedAlert["state"]) => engine.observe(new Map([["probe/n1/app", { subject: "probe/n1/app", kind: "probe", state, node: "n1", checker: "app", severity: "critical", sinceMs: clock.nowMs() } satisfies ObservedAlert]]), true);
  return { clock, engine, outbox, files, delivered, events, acks, observe };
}

describe("NotifierEngine", () => {
  test("the sender waits out the take-over grace and the quiet period, then delivers once and acknowledges", async () => {
    const t = setup();
    t.engine.setSending(true);
    t.observe("failed");
    await t.clock.advance(9_000);
    expect(t.delivered).toEqual([]);
    await t.clock.advance(1_000);
    expect(t.delivered.map((d) => d.notification.change)).toEqual(["ProbeFailed"]);
    expect(t.events.map((e) => e.type)).toEqual(["NotificationSent"]);
    await t.clock.advance(200);
    expect(t.acks.flat().map((a) => a.state)).toEqual(["failed"]);
    expect(JSON.parse(t.files.get("/state/notify.json") ?? "{}").queue).toEqual([]);
    await t.clock.advance(60_000);
    expect(t.delivered).toHaveLength(1);
  });

  test("a failure and its recovery within the quiet period are coalesced away, as serf coalesces member events", async () => {
    const t = setup();
    t.engine.setSending(true);
    await t.clock.advance(TAKEOVER_GRACE_MS);
    t.observe("failed");
    await t.clock.advance(5_000);
    t.observe("running");
    await t.clock.advance(60_000);
    expect(t.delivered).toEqual([]);
  });

  test("a standby delivers nothing but learns acknowledgments; taking over, it sends only what was not acknowledged", async () => {
    const t = setup();
    t.observe("failed");
    await t.clock.advance(20_000);
    expect(t.delivered).toEqual([]);
    const sender = setup();
    sender.engine.setSending(true);
    sender.observe("failed");
    await sender.clock.advance(20_000);
    t.engine.learn(sender.acks.flat());
    t.engine.setSending(true);
    await t.clock.advance(TAKEOVER_GRACE_MS + 20_000);
    expect(t.delivered).toEqual([]);
    t.observe("running");
    await t.clock.advance(20_000);
    expect(t.delivered.map((d) => [d.notification.change, d.notification.previousKey])).toEqual([["ProbeSucceeded", sender.delivered[0]?.notification.key as string]]);
  });

  test("failed attempts are retried with growing backoff and reported; the outbox keeps the notification until it is delivered", async () => {
    let failing = true;
    const t = setup({ fail: () => failing });
    t.engine.setSending(true);
    await t.clock.advance(TAKEOVER_GRACE_MS);
    t.observe("failed");
    await t.clock.advance(10_000 + 60_000);
    const failures = t.events.filter((e) => e.type === "NotificationFailed");
    expect(failures.length).toBeGreaterThanOrEqual(4);
    expect(failures.length).toBeLessThan(10);
    const delays = failures.map((e): number => (e.type === "NotificationFailed" ? (e.retryInMs ?? 0) : 0));
    expect(delays[3]!).toBeGreaterThan(delays[0]!);
    expect(failures.every((e) => e.type === "NotificationFailed" && !e.final && e.error.includes("HTTP 503"))).toBe(true);
    expect(t.engine.stats()).toMatchObject({ queued: 1, sent: 0 });
    expect(JSON.parse(t.files.get("/state/notify.json") ?? "{}").queue).toHaveLength(1);
    failing = false;
    await t.clock.advance(5 * 60_000);
    expect(t.delivered).toHaveLength(1);
    expect(t.engine.stats()).toMatchObject({ queued: 0, sent: 1 });
  });

  test("an outbox entry another sender already got past is dropped, not delivered", async () => {
    const t = setup({ fail: () => true });
    t.engine.setSending(true);
    await t.clock.advance(TAKEOVER_GRACE_MS);
    t.observe("failed");
    await t.clock.advance(15_000);
    const queued = t.outbox.queue[0]!;
    t.engine.learn([{ subjectId: queued.subjectId, state: "failed", key: queued.key }]);
    expect(t.outbox.queue).toEqual([]);
  });
});
