import type { Clock, Timer } from "../platform/clock.ts";

/**
 * Suspicion timeout in ms for `n` independent confirmations out of `k` expected, with
 * `elapsedMs` already spent: max - (max - min) x ln(n + 1) / ln(k + 1), floored to whole ms,
 * never below min, minus the elapsed time (may be <= 0: expire now).
 */
export function remainingSuspicionTime(n: number, k: number, elapsedMs: number, minMs: number, maxMs: number): number {
  const frac = Math.log(n + 1) / Math.log(k + 1);
  const raw = maxMs - frac * (maxMs - minMs);
  const timeout = Math.max(Math.floor(raw), minMs);
  return timeout - elapsedMs;
}

/** min = mult x max(1, log10(max(1, n))) x probeInterval, as memberlist computes it. */
export function suspicionMinTimeoutMs(suspicionMult: number, n: number, probeIntervalMs: number): number {
  const nodeScale = Math.max(1, Math.log10(Math.max(1, n)));
  return Math.round(suspicionMult * nodeScale * probeIntervalMs);
}

/**
 * A new suspicion's bounds in a table of `n` nodes, as memberlist sets them: k = mult - 2
 * independent confirmations expected (none when fewer than k other nodes could send one),
 * min from suspicionMinTimeoutMs, max = maxTimeoutMult x min.
 */
export function suspicionBounds(suspicionMult: number, suspicionMaxTimeoutMult: number, n: number, probeIntervalMs: number): { k: number; minMs: number; maxMs: number } {
  const k = n - 2 < suspicionMult - 2 ? 0 : suspicionMult - 2;
  const minMs = suspicionMinTimeoutMs(suspicionMult, n, probeIntervalMs);
  return { k, minMs, maxMs: suspicionMaxTimeoutMult * minMs };
}

/**
 * The timer of one suspicion. Starts at max (min when no confirmations are expected) and
 * shrinks toward min as independent peers confirm. The accuser that started it never counts.
 */
export class Suspicion {
  private confirmations = 0;
  private readonly seen = new Set<string>();
  private readonly startMs: number;
  private timer: Timer;
  private fired = false;

  constructor(
    from: string,
    private readonly k: number,
    private readonly minMs: number,
    private readonly maxMs: number,
    private readonly clock: Clock,
    private readonly onTimeout: (confirmations: number) => void,
  ) {
    this.seen.add(from);
    this.startMs = clock.monotonicMs();
    this.timer = this.schedule(k < 1 ? minMs : maxMs);
  }

  /** Records a confirmation; true when it was new (the caller then re-gossips the suspicion). */
  confirm(from: string): boolean {
    if (this.fired || this.confirmations >= this.k || this.seen.has(from)) return false;
    this.seen.add(from);
    this.confirmations++;
    this.timer.cancel();
    const elapsed = this.clock.monotonicMs() - this.startMs;
    const remaining = remainingSuspicionTime(this.confirmations, this.k, elapsed, this.minMs, this.maxMs);
    this.timer = this.schedule(Math.max(0, remaining));
    return true;
  }

  confirmationCount(): number {
    return this.confirmations;
  }

  cancel(): void {
    this.fired = true;
    this.timer.cancel();
  }

  private schedule(delayMs: number): Timer {
    return this.clock.setTimer(delayMs, () => {
      if (this.fired) return;
      this.fired = true;
      this.onTimeout(this.confirmations);
    });
  }
}
