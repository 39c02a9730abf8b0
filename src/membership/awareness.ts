/**
 * Lifeguard's local health score in [0, max - 1]. Missed nacks and refutations raise it (we
 * are probably the slow one), successful probes lower it; timeouts scale by (score + 1).
 */
export class Awareness {
  private value = 0;

  constructor(private readonly max: number) {}

  applyDelta(delta: number): void {
    this.value = Math.min(this.max - 1, Math.max(0, this.value + delta));
  }

  score(): number {
    return this.value;
  }

  scaleTimeout(timeoutMs: number): number {
    return timeoutMs * (this.value + 1);
  }
}
