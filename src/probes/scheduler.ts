import type { Clock, Timer } from "../platform/clock.ts";
import { describeError } from "../platform/errors.ts";
import type { Logger } from "../platform/logger.ts";
import type { Random } from "../platform/random.ts";
import type { CheckRun } from "./checker.ts";
import type { CheckOutcome } from "./check-outcome.ts";

export interface ScheduledCheck {
  name: string;
  intervalMs: number;
  timeoutMs: number;
  run: CheckRun;
}

/** The result of one run, timeouts and thrown errors already turned into failed outcomes. */
export interface CheckRunReport {
  name: string;
  /** Wall-clock start, Unix ms. */
  startedAtMs: number;
  durationMs: number;
  outcomes: CheckOutcome[];
  /** Set when the run timed out or threw instead of returning outcomes. */
  error?: string;
  /** How late the run started relative to when it was due, ms (queueing behind the cap). */
  lagMs: number;
}

export interface SchedulerOptions {
  clock: Clock;
  random: Random;
  logger: Logger;
  /** Runs allowed at once across all checks. */
  concurrencyMax: number;
  /** Each interval is stretched or shrunk by up to this fraction (0.1 = +-10 %). */
  jitterFraction: number;
  /** Called for every finished run; must not throw. */
  onReport: (report: CheckRunReport) => void;
}

export interface SchedulerStats {
  runsStarted: number;
  runsTimedOut: number;
  /** Ticks skipped because the previous run of the same check was still going. */
  overlapsSkipped: number;
  running: number;
  queued: number;
}

interface CheckSlot {
  check: ScheduledCheck;
  timer?: Timer;
  running?: Promise<CheckRunReport>;
  /** The run in progress, so remove() can abort it. */
  controller?: AbortController;
  /** Set by remove(): the slot's timer must not fire again and its last report is dropped. */
  removed?: boolean;
  dueAtMs: number;
}

/**
 * Runs checks on their intervals with jitter, a global concurrency cap, a timeout per run
 * through an AbortSignal, and never two runs of the same check at once. Owns all timing:
 * checks never loop. All time comes from the injected clock.
 */
export class Scheduler {
  private readonly slots = new Map<string, CheckSlot>();
  private readonly queue: CheckSlot[] = [];
  private readonly controllers = new Set<AbortController>();
  private active = 0;
  private stopped = true;
  private readonly counters = { runsStarted: 0, runsTimedOut: 0, overlapsSkipped: 0 };

  constructor(private readonly options: SchedulerOptions) {}

  add(check: ScheduledCheck): void {
    if (this.slots.has(check.name)) throw new Error(`check "${check.name}" is already scheduled`);
    const slot: CheckSlot = { check, dueAtMs: 0 };
    this.slots.set(check.name, slot);
    if (!this.stopped) this.scheduleFirst(slot);
  }

  /**
   * Stops scheduling a check (a reloaded configuration dropped or changed it): its timer is
   * cancelled, a queued run dropped, a running one aborted and its report dropped. A check
   * of the same name may be added again at once. Returns false when no check has the name.
   */
  remove(name: string): boolean {
    const slot = this.slots.get(name);
    if (!slot) return false;
    this.slots.delete(name);
    slot.removed = true;
    slot.timer?.cancel();
    const queued = this.queue.indexOf(slot);
    if (queued !== -1) this.queue.splice(queued, 1);
    slot.controller?.abort(new Error(`check "${name}" was removed from the configuration`));
    return true;
  }

  names(): string[] {
    return [...this.slots.keys()];
  }

  /** Starts every check soon (spread over a short window) and then on its interval. */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    for (const slot of this.slots.values()) this.scheduleFirst(slot);
  }

  /** Stops scheduling, aborts running checks and waits for them to settle. Reports of aborted runs are dropped. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const slot of this.slots.values()) slot.timer?.cancel();
    this.queue.length = 0;
    for (const controller of this.controllers) controller.abort(new Error("agent is stopping"));
    await Promise.allSettled([...this.slots.values()].map((s) => s.running));
  }

  /** Runs a check now (outside the cap) or joins its run in progress. */
  runNow(name: string): Promise<CheckRunReport> | undefined {
    const slot = this.slots.get(name);
    if (!slot) return undefined;
    return slot.running ?? this.execute(slot, this.options.clock.monotonicMs());
  }

  stats(): SchedulerStats {
    return { ...this.counters, running: this.active, queued: this.queue.length };
  }

  private scheduleFirst(slot: CheckSlot): void {
    const spreadMs = Math.min(slot.check.intervalMs * this.options.jitterFraction, 1000);
    this.scheduleAt(slot, this.options.clock.monotonicMs() + this.options.random.float() * spreadMs);
  }

  private scheduleAt(slot: CheckSlot, dueAtMs: number): void {
    slot.dueAtMs = dueAtMs;
    const delay = Math.max(0, dueAtMs - this.options.clock.monotonicMs());
    slot.timer = this.options.clock.setTimer(delay, () => this.onDue(slot));
  }

  private onDue(slot: CheckSlot): void {
    if (this.stopped || slot.removed) return;
    const jitter = 1 + this.options.jitterFraction * (2 * this.options.random.float() - 1);
    const dueAtMs = slot.dueAtMs;
    this.scheduleAt(slot, Math.max(dueAtMs + slot.check.intervalMs * jitter, this.options.clock.monotonicMs()));
    if (slot.running || this.queue.includes(slot)) {
      this.counters.overlapsSkipped++;
      return;
    }
    this.queue.push(slot);
    this.pump(dueAtMs);
  }

  private pump(dueAtMs?: number): void {
    while (!this.stopped && this.active < this.options.concurrencyMax && this.queue.length > 0) {
      const slot = this.queue.shift() as CheckSlot;
      void this.execute(slot, dueAtMs ?? slot.dueAtMs);
    }
  }

  private execute(slot: CheckSlot, dueAtMs: number): Promise<CheckRunReport> {
    const { clock, logger } = this.options;
    const { check } = slot;
    const controller = new AbortController();
    this.controllers.add(controller);
    slot.controller = controller;
    this.active++;
    this.counters.runsStarted++;
    const startedMono = clock.monotonicMs();
    const startedAtMs = clock.nowMs();
    const lagMs = Math.max(0, startedMono - dueAtMs);

    const finished = new Promise<CheckRunReport>((resolve) => {
      let settled = false;
      const finish = (outcomes: CheckOutcome[], error?: string): void => {
        if (settled) return;
        settled = true;
        timeout.cancel();
        resolve({ name: check.name, startedAtMs, durationMs: clock.monotonicMs() - startedMono, outcomes, error, lagMs });
      };
      const timeout = clock.setTimer(check.timeoutMs, () => {
        this.counters.runsTimedOut++;
        const message = `timed out after ${check.timeoutMs}ms`;
        controller.abort(new Error(message));
        finish([{ status: "failed", error: message, code: "timeout" }], message);
      });
      let pending: Promise<CheckOutcome[]>;
      try {
        pending = check.run({ signal: controller.signal, clock, logger: logger.child({ check: check.name }) });
      } catch (error) {
        pending = Promise.reject(error);
      }
      pending.then(
        (outcomes) => finish(outcomes),
        (error: unknown) => {
          const message = `check failed: ${describeError(error)}`;
          finish([{ status: "failed", error: message, code: "error" }], message);
        },
      );
      // The slot stays busy until the check itself settles, so a check that ignores its
      // signal can never run twice at once.
      void pending.catch(() => {}).finally(() => {
        this.controllers.delete(controller);
        this.active--;
        slot.running = undefined;
        slot.controller = undefined;
        this.pump();
      });
    });
    slot.running = finished.then((report) => {
      if (!slot.removed && (!controller.signal.aborted || report.error?.startsWith("timed out"))) this.options.onReport(report);
      return report;
    });
    return slot.running;
  }
}
