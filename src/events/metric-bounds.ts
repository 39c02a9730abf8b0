import type { ProbeOutcomeFact } from "./agent-event.ts";

/**
 * The numbers a check measured (nagios perfdata, host-metric values, canary timings) become
 * time series in /metrics, history and InfluxDB, so what a checker (or a plugin script) reports
 * is bounded before it is published: a key is at most METRIC_KEY_CHARS_MAX characters of
 * METRIC_KEY_CHARS (anything else becomes `_`), a value is a finite number, and one run names at
 * most METRICS_PER_RUN_MAX distinct keys (the first ones, in the order reported).
 */

export const METRIC_KEY_CHARS_MAX = 64;
export const METRICS_PER_RUN_MAX = 32;
/** What a key may hold: check names use the same characters, so `<check>.<key>` stays in it. */
export const METRIC_KEY_CHARS = "A-Z a-z 0-9 _ . -";
const KEY_DISALLOWED = /[^A-Za-z0-9_.-]/g;

/** A series name: `<check>.<key>` or `peer.<measure>`; the charset of keys, at most this long. */
export const METRIC_NAME_CHARS_MAX = 320;
const METRIC_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

/** The key a reported label is kept under, or undefined when nothing usable is left. */
export function metricKeyOf(label: string): string | undefined {
  const key = label.replace(KEY_DISALLOWED, "_").slice(0, METRIC_KEY_CHARS_MAX);
  return key === "" ? undefined : key;
}

export function isMetricName(text: string): boolean {
  return text.length <= METRIC_NAME_CHARS_MAX && METRIC_NAME.test(text);
}

/** Keys of one run and what did not make it. */
export interface BoundedRunMetrics {
  outcomes: ProbeOutcomeFact[];
  /** Values dropped: not a finite number, an unusable key, or a key beyond METRICS_PER_RUN_MAX. */
  dropped: number;
}

/**
 * Applies the bounds to every outcome of one run; the key budget is shared by the run's
 * outcomes (a key repeated in several outcomes counts once). Outcomes without metrics are
 * returned unchanged; an outcome left with none loses the field.
 */
export function boundRunMetrics(outcomes: readonly ProbeOutcomeFact[]): BoundedRunMetrics {
  const keys = new Set<string>();
  let dropped = 0;
  const bounded = outcomes.map((outcome) => {
    if (outcome.metrics === undefined) return outcome;
    // A Map, then fromEntries: a key such as `__proto__` stays an own property.
    const kept = new Map<string, number>();
    for (const [label, value] of Object.entries(outcome.metrics as Record<string, unknown>)) {
      const key = metricKeyOf(label);
      if (typeof value !== "number" || !Number.isFinite(value) || key === undefined || kept.has(key) || (!keys.has(key) && keys.size >= METRICS_PER_RUN_MAX)) {
        dropped++;
        continue;
      }
      keys.add(key);
      kept.set(key, value);
    }
    const { metrics: _all, ...rest } = outcome;
    return kept.size > 0 ? { ...rest, metrics: Object.fromEntries(kept) } : rest;
  });
  return { outcomes: bounded, dropped };
}
