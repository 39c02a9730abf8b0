import { parseDurationMs } from "../config/duration.ts";

/**
 * Strict readers for query-string values: the whole text must match (no trailing garbage, no
 * spaces, no signs, no exponents), and numbers are bounded. Each returns the value or an error
 * message naming the parameter and what is allowed.
 */

const DAY_MS = 86_400_000;
/** A `since` further back than this is a typo, not a query (retention is days to weeks). */
export const SINCE_BACK_MS_MAX = 3660 * DAY_MS;
/** A series step longer than this would put a month of retention into one point. */
export const STEP_MS_MAX = 31 * DAY_MS;
export const NAME_CHARS_MAX = 253;

/** A whole number written in digits only, from `min` to `max`. */
export function readInteger(name: string, text: string, min: number, max: number): number | string {
  const allowed = `${name} must be a whole number from ${min} to ${max}`;
  if (!/^\d{1,16}$/.test(text)) return `${allowed} (got "${shown(text)}")`;
  const value = Number(text);
  if (value < min || value > max) return `${allowed} (got ${shown(text)})`;
  return value;
}

/** A duration with units ("90s", "1h30m", "7d"), from `minMs` to `maxMs`. */
export function readDuration(name: string, text: string, minMs: number, maxMs: number): number | string {
  const allowed = `${name} must be a duration from ${formatMs(minMs)} to ${formatMs(maxMs)} with a unit, e.g. 30s, 5m, 1h30m, 7d`;
  const ms = /^(\d{1,9}(\.\d{1,6})?(ms|s|m|h|d|w))+$/.test(text) ? parseDurationMs(text) : undefined;
  if (ms === undefined || ms < minMs || ms > maxMs) return `${allowed} (got "${shown(text)}")`;
  return ms;
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2}))?$/;

/**
 * A point in time: a duration back from `nowMs` ("1h", "7d"), an RFC 3339 time or date
 * (2026-01-02T15:04:05Z, 2026-01-02), or Unix milliseconds (10 to 13 digits).
 */
export function readTime(name: string, text: string, nowMs: number): number | string {
  const allowed = `${name} must be a duration back from now (1h, 30m, 7d; at most ${SINCE_BACK_MS_MAX / DAY_MS}d), an RFC 3339 time (2026-01-02T15:04:05Z) or Unix milliseconds`;
  if (/^\d{10,13}$/.test(text)) return Number(text);
  const rfc = text.match(RFC3339);
  if (rfc) {
    const ms = rfc3339Ms(rfc);
    return ms ?? `${allowed} (got "${shown(text)}": no such date or time)`;
  }
  const back = readDuration(name, text, 0, SINCE_BACK_MS_MAX);
  return typeof back === "number" ? nowMs - back : `${allowed} (got "${shown(text)}")`;
}

/** A node, probe or checker name: 1 to NAME_CHARS_MAX printable characters. */
export function readName(name: string, text: string): string | { error: string } {
  if (text.length === 0 || text.length > NAME_CHARS_MAX || /[\u0000-\u001f\u007f]/.test(text)) {
    return { error: `${name} must be 1 to ${NAME_CHARS_MAX} printable characters (got "${shown(text)}")` };
  }
  return text;
}

function rfc3339Ms(parts: RegExpMatchArray): number | undefined {
  const [, year, month, day, hour = "00", minute = "00", second = "00", fraction = "", zone = "Z"] = parts;
  const y = Number(year);
  const mo = Number(month);
  const d = Number(day);
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return undefined;
  if (Number(hour) > 23 || Number(minute) > 59 || Number(second) > 60) return undefined;
  const offsetMinutes = zone.toUpperCase() === "Z" ? 0 : (zone.startsWith("-") ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6)));
  if (Math.abs(offsetMinutes) > 23 * 60 + 59) return undefined;
  const millis = fraction === "" ? 0 : Math.floor(Number(`0${fraction}`) * 1000);
  return Date.UTC(y, mo - 1, d, Number(hour), Number(minute), Number(second), millis) - offsetMinutes * 60_000;
}

function formatMs(ms: number): string {
  if (ms % DAY_MS === 0 && ms > 0) return `${ms / DAY_MS}d`;
  if (ms % 1000 === 0 && ms > 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}

/** Echoes a bad value back bounded, so an answer never grows with the input. */
function shown(text: string): string {
  return text.length > 64 ? `${text.slice(0, 64)}...` : text;
}
