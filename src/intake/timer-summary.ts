/**
 * The timings of one timer over one flush interval. Count, sum and upper bound are exact;
 * percentiles come from at most `keptMax` values, a uniform sample of all of them (reservoir
 * sampling, Vitter's algorithm R) once there are more, so memory stays bounded whatever a
 * client sends.
 */
export class TimerSummary {
  /** Events the client stands for: each value counts 1/rate. */
  count = 0;
  private seen = 0;
  private sum = 0;
  private upper = Number.NEGATIVE_INFINITY;
  private readonly kept: number[] = [];

  constructor(
    private readonly keptMax: number,
    private readonly random: () => number,
  ) {}

  add(value: number, rate: number): void {
    this.count += 1 / rate;
    this.seen++;
    this.sum += value;
    if (value > this.upper) this.upper = value;
    if (this.kept.length < this.keptMax) this.kept.push(value);
    else {
      const slot = Math.floor(this.random() * this.seen);
      if (slot < this.keptMax) this.kept[slot] = value;
    }
  }

  /** count, mean, upper, p90, p99 (nearest rank), or only count 0 when nothing was timed. */
  stats(): Record<string, number> {
    if (this.seen === 0) return { count: 0 };
    const sorted = [...this.kept].sort((a, b) => a - b);
    return { count: this.count, mean: this.sum / this.seen, upper: this.upper, p90: nearestRank(sorted, 0.9), p99: nearestRank(sorted, 0.99) };
  }
}

/** The smallest value with at least `fraction` of the values at or below it. */
export function nearestRank(sorted: readonly number[], fraction: number): number {
  const index = Math.max(0, Math.ceil(fraction * sorted.length) - 1);
  return sorted[Math.min(index, sorted.length - 1)] ?? 0;
}
