/**
 * A token bucket: `perSecond` tokens a second, at most `perSecond` saved up. Pure apart from
 * the injected monotonic clock, so tests drive it with a manual one.
 */
export class RateBudget {
  private tokens: number;
  private lastMs: number;

  constructor(
    private readonly perSecond: number,
    private readonly nowMs: () => number,
  ) {
    this.tokens = perSecond;
    this.lastMs = nowMs();
  }

  /** Takes one token; false when none is left (the caller drops what it was about to do). */
  take(): boolean {
    const now = this.nowMs();
    this.tokens = Math.min(this.perSecond, this.tokens + ((now - this.lastMs) * this.perSecond) / 1000);
    this.lastMs = now;
    if (this.tokens < 1) return false;
    this.tokens--;
    return true;
  }
}
