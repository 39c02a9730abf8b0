import type { NotificationFailedEvent, NotificationSentEvent } from "../events/agent-event.ts";
import type { NotifierConfig } from "../config/notifiers-schema.ts";
import type { Clock, Timer } from "../platform/clock.ts";
import { describeError } from "../platform/errors.ts";
import type { Logger } from "../platform/logger.ts";
import type { Random } from "../platform/random.ts";
import type { ObservedAlert } from "./alert-state.ts";
import { ALERT_REFRESH_MS } from "./alertmanager-sender.ts";
import { AckBatch } from "./ack-batch.ts";
import type { AckEntry } from "./acknowledgment.ts";
import { callWithin } from "./call-within.ts";
import { firingAcknowledged } from "./firing-acknowledged.ts";
import type { Notification } from "./notification.ts";
import { notificationDocument } from "./notification-document.ts";
import type { NotificationSender, OutgoingNotification } from "./notification-sender.ts";
import type { NotificationText } from "./notification-text.ts";
import type { ChangeFilter } from "./notifier-filter.ts";
import type { Outbox } from "./outbox.ts";
import { planNotifications } from "./plan-notifications.ts";
import { retryDelayMs } from "./retry-backoff.ts";

/** A node that becomes the sender waits this long first: acknowledgments still on their way arrive. */
export const TAKEOVER_GRACE_MS = 2000;
/** A burst is sent at the latest this many quiet periods after its first change, however long it lasts. */
const QUIET_PERIODS_MAX = 5;
/** A notification still undelivered after this long is given up (reported as NotificationFailed, final). */
export const NOTIFICATION_AGE_MAX_MS = 24 * 3_600_000;

/** What the engine publishes on the event stream. */
export type NotificationEventInput = NotificationSentEvent | NotificationFailedEvent;

export interface NotifierEngineDeps {
  config: NotifierConfig;
  quietPeriodMs: number;
  repeatIntervalMs: number;
  timeoutMs: number;
  localName: string;
  clusterName?: string;
  clock: Clock;
  random: Random;
  logger: Logger;
  outbox: Outbox;
  sender: NotificationSender;
  text: NotificationText;
  accepts: ChangeFilter;
  publish: (event: NotificationEventInput) => void;
  /** Gossips acknowledgments (acknowledgment.ts) of these subject states. */
  acknowledge: (entries: AckEntry[]) => void;
}

export interface NotifierEngineStats {
  sending: boolean;
  queued: number;
  sent: number;
  /** Failed delivery attempts (each retried, unless given up). */
  failedAttempts: number;
  /** Notifications given up: too old, or pushed out of a full outbox. */
  dropped: number;
  lastError?: string;
  lastErrorAtMs?: number;
  lastSentAtMs?: number;
}

/**
 * One notifier on one node. Every node observes, every node learns acknowledgments; only the
 * elected sender queues, delivers and acknowledges. Changes wait for a quiet period (a burst
 * becomes one look, as serf coalesces member events); the outbox is delivered in order, one at
 * a time, with backoff on failure, and a notification whose subject the cluster has meanwhile
 * acknowledged past (another sender got there) is dropped instead of delivered.
 */
export class NotifierEngine {
  private observed: ReadonlyMap<string, ObservedAlert> = new Map();
  private sending = false;
  private activeFromMs = 0;
  private quietTimer?: Timer;
  private quietStartedMs?: number;
  private retryTimer?: Timer;
  private readonly acks: AckBatch;
  private delivering = false;
  private lastRefreshMs = Number.NEGATIVE_INFINITY;
  private stopped = false;
  private readonly counters = { sent: 0, failedAttempts: 0, dropped: 0 };
  private lastError?: { text: string; atMs: number };
  private lastSentAtMs?: number;

  constructor(private readonly deps: NotifierEngineDeps) {
    this.acks = new AckBatch(deps.clock, deps.acknowledge);
  }

  /** The alert states this node observes now; `changed` when any subject's state differs from the last look. */
  observe(observed: ReadonlyMap<string, ObservedAlert>, changed: boolean): void {
    this.observed = observed;
    if (!changed) return;
    const now = this.deps.clock.monotonicMs();
    this.quietStartedMs ??= now;
    const latest = this.quietStartedMs + QUIET_PERIODS_MAX * this.deps.quietPeriodMs;
    this.quietTimer?.cancel();
    this.quietTimer = this.deps.clock.setTimer(Math.max(0, Math.min(this.deps.quietPeriodMs, latest - now)), () => {
      this.quietTimer = undefined;
      this.quietStartedMs = undefined;
      this.flush("all");
    });
  }

  /** Whether this node is the sender now; a node that becomes it waits TAKEOVER_GRACE_MS first. */
  setSending(sending: boolean): void {
    if (sending === this.sending) return;
    this.sending = sending;
    if (!sending) return;
    this.activeFromMs = this.deps.clock.monotonicMs() + TAKEOVER_GRACE_MS;
    this.deps.logger.info("this node sends for the notifier now", { notifier: this.deps.config.name, inMs: TAKEOVER_GRACE_MS });
    // What the old sender left undelivered goes now; a burst still settling waits for its quiet period.
    this.deps.clock.setTimer(TAKEOVER_GRACE_MS, () => {
      if (!this.quietTimer) this.flush("all");
      else void this.pump();
    });
  }

  /** Acknowledgments from the sender (or a sync): learnt, and what they settle leaves the outbox. */
  learn(entries: readonly AckEntry[]): void {
    let changed = false;
    for (const entry of entries) {
      if (this.deps.outbox.notified.get(entry.subjectId)?.key === entry.key) continue;
      this.deps.outbox.acknowledge(entry.subjectId, { state: entry.state, key: entry.key, atMs: this.deps.clock.nowMs() });
      changed = true;
    }
    if (changed) this.deps.outbox.save();
  }

  /** Every acknowledged state, newest last (for a node that joins or comes back). */
  acknowledgedStates(limit: number): AckEntry[] {
    return [...this.deps.outbox.notified].slice(-limit).map(([subjectId, s]) => ({ subjectId, state: s.state, key: s.key }));
  }

  /** Called about once a second: reminders, Alertmanager refreshes, retries that came due. */
  tick(): void {
    if (!this.active()) return;
    this.flush("repeats");
    if (this.deps.sender.refresh && this.deps.clock.monotonicMs() - this.lastRefreshMs >= ALERT_REFRESH_MS) void this.refresh();
  }

  stats(): NotifierEngineStats {
    return {
      sending: this.sending,
      queued: this.deps.outbox.queue.length,
      ...this.counters,
      lastError: this.lastError?.text,
      lastErrorAtMs: this.lastError?.atMs,
      lastSentAtMs: this.lastSentAtMs,
    };
  }

  stop(): void {
    this.stopped = true;
    this.quietTimer?.cancel();
    this.retryTimer?.cancel();
    this.acks.flush();
  }

  private active(): boolean {
    return !this.stopped && this.sending && this.deps.clock.monotonicMs() >= this.activeFromMs;
  }

  private flush(include: "all" | "repeats"): void {
    if (!this.active()) return;
    const { outbox } = this.deps;
    const planned = planNotifications({
      notifier: this.deps.config.name,
      observed: this.observed,
      notified: outbox.notified,
      queued: outbox.queue,
      nowMs: this.deps.clock.nowMs(),
      repeatIntervalMs: this.deps.repeatIntervalMs,
      accepts: this.deps.accepts,
      include,
    });
    if (planned.length > 0) {
      for (const lost of outbox.enqueue(planned)) this.giveUp(lost, `the outbox is full (${outbox.queue.length} waiting); the oldest notification was dropped`);
      outbox.save();
    }
    void this.pump();
  }

  /** Delivers the outbox in order, one at a time, until it is empty, a retry is due later, or this node stops sending. */
  private async pump(): Promise<void> {
    if (this.delivering) return;
    this.delivering = true;
    try {
      for (;;) {
        if (!this.active()) return;
        const { outbox } = this.deps;
        const head = outbox.queue[0];
        if (!head) return;
        const acknowledged = outbox.notified.get(head.subjectId)?.key ?? "";
        if (acknowledged === head.key || acknowledged !== head.previousKey) {
          // Already delivered by another sender, or the cluster moved past it: what is due now is planned afresh.
          outbox.remove(head.key);
          outbox.save();
          if (acknowledged !== head.key) this.flush("all");
          continue;
        }
        const now = this.deps.clock.nowMs();
        if (now - head.createdAtMs > NOTIFICATION_AGE_MAX_MS) {
          outbox.remove(head.key);
          this.giveUp(head, `undelivered for ${Math.round((now - head.createdAtMs) / 3_600_000)} h; given up`);
          outbox.save();
          continue;
        }
        if (head.nextAttemptAtMs > now) {
          this.retryTimer?.cancel();
          this.retryTimer = this.deps.clock.setTimer(head.nextAttemptAtMs - now, () => void this.pump());
          return;
        }
        if (head.deliver && !(await this.attempt(head))) continue;
        this.settle(head);
      }
    } finally {
      this.delivering = false;
    }
  }

  /** One delivery attempt; false when it failed (the notification stays first, with its next attempt set). */
  private async attempt(n: Notification): Promise<boolean> {
    const { clock, config } = this.deps;
    n.attempts++;
    try {
      await callWithin(clock, this.deps.timeoutMs, (signal) => this.deps.sender.deliver(this.outgoing(n), signal));
      this.counters.sent++;
      this.lastSentAtMs = clock.nowMs();
      this.deps.publish({ type: "NotificationSent", ...this.facts(n) });
      return true;
    } catch (error) {
      const text = describeError(error);
      const delay = retryDelayMs(n.attempts, this.deps.random);
      n.nextAttemptAtMs = clock.nowMs() + delay;
      n.lastError = text;
      this.counters.failedAttempts++;
      this.lastError = { text, atMs: clock.nowMs() };
      this.deps.outbox.save();
      this.deps.publish({ type: "NotificationFailed", ...this.facts(n), error: `${config.kind} ${config.name}: ${text}`, final: false, retryInMs: delay });
      return false;
    }
  }

  /** Delivered (or filtered out): acknowledged here and, shortly, to the cluster. */
  private settle(n: Notification): void {
    const { outbox, clock } = this.deps;
    outbox.remove(n.key);
    outbox.acknowledge(n.subjectId, { state: n.alert.state, key: n.key, atMs: clock.nowMs() });
    outbox.save();
    this.acks.add({ subjectId: n.subjectId, state: n.alert.state, key: n.key });
  }

  private giveUp(n: Notification, why: string): void {
    this.counters.dropped++;
    this.lastError = { text: why, atMs: this.deps.clock.nowMs() };
    this.deps.publish({ type: "NotificationFailed", ...this.facts(n), error: `${this.deps.config.kind} ${this.deps.config.name}: ${why}${n.lastError ? ` (last error: ${n.lastError})` : ""}`, final: true });
  }

  private async refresh(): Promise<void> {
    this.lastRefreshMs = this.deps.clock.monotonicMs();
    const firing = firingAcknowledged(this.observed, this.deps.outbox.notified, this.deps.accepts).map((n) => this.outgoing(n));
    if (firing.length === 0) return;
    try {
      await callWithin(this.deps.clock, this.deps.timeoutMs, async (signal) => {
        await this.deps.sender.refresh?.(firing, signal);
      });
    } catch (error) {
      this.counters.failedAttempts++;
      this.lastError = { text: `re-posting firing alerts: ${describeError(error)}`, atMs: this.deps.clock.nowMs() };
    }
  }

  private outgoing(n: Notification): OutgoingNotification {
    const context = { notifier: this.deps.config, clusterName: this.deps.clusterName, sender: this.deps.localName };
    const text = this.deps.text.render(n, context);
    return { notification: n, text, document: notificationDocument(n, context, text) };
  }

  private facts(n: Notification) {
    return {
      notifier: this.deps.config.name,
      notifierKind: this.deps.config.kind,
      key: n.key,
      about: n.change,
      subjectNode: n.alert.node,
      checker: n.alert.checker,
      attempts: n.attempts,
    };
  }
}
