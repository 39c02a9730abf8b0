/**
 * Application metric names as statsd cleans them (whitespace runs become `_`, `/` becomes `-`,
 * anything but letters, digits, `_`, `-` and `.` is removed), bounded so that the history
 * series `statsd.<name>.<stat>` stays within the store's 320-character names.
 */
export const METRIC_NAME_CHARS_MAX = 200;
const CLEAN = /^[a-zA-Z0-9_.-]+$/;

/** The cleaned name, or undefined when nothing usable is left or it is too long. */
export function cleanMetricName(raw: string): string | undefined {
  if (raw.length > METRIC_NAME_CHARS_MAX * 4) return undefined;
  // Most names are clean already: one test instead of three replacements.
  if (CLEAN.test(raw)) return raw.length > METRIC_NAME_CHARS_MAX ? undefined : raw;
  const name = raw
    .replace(/\s+/g, "_")
    .replace(/\//g, "-")
    .replace(/[^a-zA-Z0-9_.-]/g, "");
  if (name === "" || name.length > METRIC_NAME_CHARS_MAX) return undefined;
  return name;
}

/** A finite number written as statsd and graphite clients write them (no hex, no Infinity, no NaN). */
export function parseNumber(text: string): number | undefined {
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? value : undefined;
}

/** The history series of one stat of an application metric. */
export function seriesName(metric: string, stat: string): string {
  return `statsd.${metric}.${stat}`;
}
