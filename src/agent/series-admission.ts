import { METRICS_PER_RUN_MAX } from "../events/metric-bounds.ts";

/**
 * Bounds the series a check creates over time, not only per run: a plugin that prints a new
 * perfdata label on every run (a timestamp, a PID) would otherwise add a series each time.
 * The first `perCheckMax` metric names a check reports are kept for the life of the agent;
 * later new names are refused (the caller counts them) and reported once per check.
 */
export class SeriesAdmission {
  private readonly admitted = new Map<string, Set<string>>();
  private readonly reported = new Set<string>();

  constructor(
    private readonly onFirstRefusal: (check: string) => void,
    readonly perCheckMax: number = METRICS_PER_RUN_MAX,
  ) {}

  /** Whether `metric` of `check` is (or now becomes) a kept series. */
  admit(check: string, metric: string): boolean {
    let names = this.admitted.get(check);
    if (!names) {
      names = new Set();
      this.admitted.set(check, names);
    }
    if (names.has(metric)) return true;
    if (names.size < this.perCheckMax) {
      names.add(metric);
      return true;
    }
    if (!this.reported.has(check)) {
      this.reported.add(check);
      this.onFirstRefusal(check);
    }
    return false;
  }
}
