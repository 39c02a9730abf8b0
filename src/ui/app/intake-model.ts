/**
 * The statsd and graphite intake series of a node (`statsd.<name>.<stat>` in history,
 * docs/intake.md) as the node view lists them: names read defensively from
 * `/history/metrics`, narrowed by the filter box, at most INTAKE_PLOTS_MAX plotted.
 */

/** Every intake series is stored under this prefix, graphite's too. */
export const INTAKE_PREFIX = "statsd.";
/** Plots shown at once; the filter box narrows the rest. */
export const INTAKE_PLOTS_MAX = 12;
/** Names read from one answer. */
export const INTAKE_NAMES_MAX = 1000;
const NAME_CHARS_MAX = 300;

/** `{"metrics": [...]}` -> the names that carry the intake prefix, each once, sorted; anything else is dropped. */
export function readMetricNames(value: unknown): string[] {
  const metrics = typeof value === "object" && value !== null ? (value as { metrics?: unknown }).metrics : undefined;
  if (!Array.isArray(metrics)) return [];
  const names = new Set<string>();
  for (const m of metrics.slice(0, INTAKE_NAMES_MAX)) {
    if (typeof m === "string" && m.startsWith(INTAKE_PREFIX) && m.length <= NAME_CHARS_MAX && !/[\u0000-\u001f\u007f]/.test(m)) names.add(m);
  }
  return [...names].sort();
}

export interface IntakeSelection {
  /** The series to plot, first by name. */
  shown: string[];
  /** How many matched the filter in all. */
  matching: number;
}

/**
 * The series whose name (without the prefix) contains every word of the filter
 * (case-insensitive), the first `max` by name.
 */
export function pickIntakeSeries(names: readonly string[], filter: string, max = INTAKE_PLOTS_MAX): IntakeSelection {
  const words = filter.toLowerCase().split(/\s+/).filter((w) => w !== "");
  const matching = names.filter((name) => {
    const shortName = name.slice(INTAKE_PREFIX.length).toLowerCase();
    return words.every((w) => shortName.includes(w));
  });
  return { shown: matching.slice(0, max), matching: matching.length };
}

/** "checkout.latency.p99" for "statsd.checkout.latency.p99": the plot's title. */
export function intakeTitle(name: string): string {
  return name.startsWith(INTAKE_PREFIX) ? name.slice(INTAKE_PREFIX.length) : name;
}
