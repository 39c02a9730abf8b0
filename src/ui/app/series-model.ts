/**
 * `/history/series` answers as columns for uPlot: x in Unix seconds, then avg and max per
 * bucket. Probe series carry `avgMs`/`maxMs`/`failures`; metric series `avg`/`max`. Points
 * out of order, duplicated or not finite are dropped.
 */
export interface Series {
  /** Unix seconds, ascending. */
  ts: number[];
  avg: number[];
  max: number[];
  /** Failed runs per bucket (probe series only). */
  failures?: number[];
}

export const POINTS_MAX = 2000;

export function readSeries(value: unknown): Series {
  const points = typeof value === "object" && value !== null ? (value as { points?: unknown }).points : undefined;
  const series: Series = { ts: [], avg: [], max: [] };
  if (!Array.isArray(points)) return series;
  const failures: number[] = [];
  let last = -Infinity;
  for (const raw of points.slice(0, POINTS_MAX)) {
    if (typeof raw !== "object" || raw === null) continue;
    const p = raw as Record<string, unknown>;
    const ts = p.ts;
    const avg = typeof p.avgMs === "number" ? p.avgMs : p.avg;
    const max = typeof p.maxMs === "number" ? p.maxMs : p.max;
    if (typeof ts !== "number" || !Number.isFinite(ts) || ts <= last || typeof avg !== "number" || !Number.isFinite(avg)) continue;
    last = ts;
    series.ts.push(ts / 1000);
    series.avg.push(avg);
    series.max.push(typeof max === "number" && Number.isFinite(max) ? max : avg);
    failures.push(typeof p.failures === "number" && Number.isFinite(p.failures) ? p.failures : 0);
  }
  if (points.some((p) => typeof p === "object" && p !== null && "failures" in p)) series.failures = failures;
  return series;
}
