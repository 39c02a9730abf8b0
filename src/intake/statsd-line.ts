import { cleanMetricName, parseNumber } from "./metric-name.ts";

/**
 * One statsd line: `name:value|type[|@rate][|#tags]`, type `c` (counter), `g` (gauge; a value
 * written with `+` or `-` changes it instead of setting it), `ms`, `h` or `d` (timer, in
 * milliseconds), `s` (set: counts distinct values). `@rate` (0 < rate <= 1) says the client sent
 * only that share of the events, so counts are scaled by 1/rate. DogStatsD's `#tags`, `c:` and `T`
 * fields are accepted and ignored: tags would multiply series beyond any bound.
 */
export type StatsdSample =
  | { type: "counter"; name: string; value: number; rate: number }
  | { type: "gauge"; name: string; value: number; delta: boolean }
  | { type: "timer"; name: string; value: number; rate: number }
  | { type: "set"; name: string; member: string };

/** A line longer than this is not a statsd line anybody sends. */
export const STATSD_LINE_CHARS_MAX = 1024;
/** A set member is an identifier (a user id, an IP): this long at most. */
export const SET_MEMBER_CHARS_MAX = 256;

export type LineError = "malformed" | "line_too_long";

export function parseStatsdLine(line: string): StatsdSample | LineError {
  if (line.length > STATSD_LINE_CHARS_MAX) return "line_too_long";
  const colon = line.indexOf(":");
  if (colon <= 0) return "malformed";
  const name = cleanMetricName(line.slice(0, colon));
  if (name === undefined) return "malformed";
  const [valueText = "", typeText = "", ...fields] = line.slice(colon + 1).split("|");
  let rate = 1;
  let rateSeen = false;
  for (const field of fields) {
    if (field.startsWith("@")) {
      const parsed = parseNumber(field.slice(1));
      if (rateSeen || parsed === undefined || !(parsed > 0 && parsed <= 1)) return "malformed";
      rate = parsed;
      rateSeen = true;
    } else if (!(field.startsWith("#") || field.startsWith("c:") || /^T\d+$/.test(field))) {
      return "malformed";
    }
  }
  switch (typeText) {
    case "c":
    case "ms":
    case "h":
    case "d": {
      const value = parseNumber(valueText);
      if (value === undefined) return "malformed";
      return typeText === "c" ? { type: "counter", name, value, rate } : { type: "timer", name, value, rate };
    }
    case "g": {
      const value = parseNumber(valueText);
      if (value === undefined) return "malformed";
      return { type: "gauge", name, value, delta: valueText.startsWith("+") || valueText.startsWith("-") };
    }
    case "s":
      if (valueText === "" || valueText.length > SET_MEMBER_CHARS_MAX) return "malformed";
      return { type: "set", name, member: valueText };
    default:
      return "malformed";
  }
}
