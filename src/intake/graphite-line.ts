import { cleanMetricName, parseNumber } from "./metric-name.ts";
import type { LineError } from "./statsd-line.ts";

/**
 * One line of graphite's plaintext protocol: `path value timestamp`, separated by spaces or
 * tabs; the timestamp in Unix seconds (`-1`: now, as carbon takes it). The value becomes a
 * gauge: the latest one in a flush interval is what the series shows. A timestamp further than
 * GRAPHITE_CLOCK_SKEW_MS from the agent's clock is refused rather than recorded at the wrong
 * time (backfills belong in a real graphite).
 */
export interface GraphiteSample {
  name: string;
  value: number;
  /** Unix ms. */
  ts: number;
}

export const GRAPHITE_LINE_CHARS_MAX = 4096;
export const GRAPHITE_CLOCK_SKEW_MS = 10 * 60_000;

export function parseGraphiteLine(line: string, nowMs: number): GraphiteSample | LineError | "timestamp" {
  if (line.length > GRAPHITE_LINE_CHARS_MAX) return "line_too_long";
  const parts = line.trim().split(/[ \t]+/);
  if (parts.length !== 3) return "malformed";
  const [pathText = "", valueText = "", tsText = ""] = parts;
  const name = cleanMetricName(pathText);
  const value = parseNumber(valueText);
  const seconds = tsText === "-1" ? nowMs / 1000 : parseNumber(tsText);
  if (name === undefined || value === undefined || seconds === undefined) return "malformed";
  const ts = Math.round(seconds * 1000);
  if (Math.abs(ts - nowMs) > GRAPHITE_CLOCK_SKEW_MS) return "timestamp";
  return { name, value, ts };
}
