import { assertNever } from "./assert-never.ts";
import { redactCredentials } from "./redact.ts";

export type LogLevel = "debug" | "info" | "warn" | "error";
export const LOG_LEVELS: readonly LogLevel[] = ["debug", "info", "warn", "error"];
/**
 * `logfmt`: `ts=... level=info msg="joined" node=web-1`; `json`: one object per line with the
 * same keys; `text`: `2026-01-01T00:00:00.000Z INFO joined node=web-1` (tests' memory logger).
 */
export type LogFormat = "logfmt" | "json" | "text";
export const LOG_FORMATS: readonly LogFormat[] = ["logfmt", "json", "text"];
export type LogFields = Record<string, unknown>;

/** Structured logging; never throws, never blocks on I/O. */
export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every line. */
  child(fields: LogFields): Logger;
}

const LEVEL_ORDER: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

export interface LineLoggerOptions {
  minLevel: LogLevel;
  write: (line: string) => void;
  nowMs: () => number;
  fields?: LogFields;
  /** Default `text`. */
  format?: LogFormat;
}

/** The keys every logfmt and JSON line starts with; a field of the same name is written as `field_<name>`. */
const LINE_KEYS = new Set(["ts", "level", "msg"]);

/** Writes one line per entry, in `options.format` (see LogFormat). */
export function createLineLogger(options: LineLoggerOptions): Logger {
  const log = (level: LogLevel, message: string, fields?: LogFields): void => {
    if (LEVEL_ORDER[level] < LEVEL_ORDER[options.minLevel]) return;
    const entries = Object.entries({ ...options.fields, ...fields }).filter(([, v]) => v !== undefined);
    const stamp = new Date(options.nowMs()).toISOString();
    // Last line of defence: no URL credential reaches the log, whoever logged the URL.
    options.write(redactCredentials(formatLine(options.format ?? "text", stamp, level, message, entries)));
  };
  return {
    debug: (m, f) => log("debug", m, f),
    info: (m, f) => log("info", m, f),
    warn: (m, f) => log("warn", m, f),
    error: (m, f) => log("error", m, f),
    child: (fields) => createLineLogger({ ...options, fields: { ...options.fields, ...fields } }),
  };
}

function formatLine(format: LogFormat, stamp: string, level: LogLevel, message: string, entries: [string, unknown][]): string {
  const keyed = entries.map(([k, v]): [string, unknown] => [LINE_KEYS.has(k) ? `field_${k}` : k, v]);
  switch (format) {
    case "text":
      return [stamp, level.toUpperCase(), escapeControls(message), ...entries.map(([k, v]) => `${k}=${formatValue(v)}`)].join(" ");
    case "logfmt":
      return [`ts=${stamp}`, `level=${level}`, `msg=${formatValue(message)}`, ...keyed.map(([k, v]) => `${k}=${logfmtValue(v)}`)].join(" ");
    case "json": {
      const line: Record<string, unknown> = { ts: stamp, level, msg: message };
      for (const [k, v] of keyed) line[k] = v instanceof Error ? v.message : typeof v === "bigint" ? String(v) : v;
      return escapeControls(safeStringify(line));
    }
    default:
      return assertNever(format, "log format");
  }
}

/** JSON.stringify that never throws (a cycle or a throwing toJSON in a logged value). */
function safeStringify(value: Record<string, unknown>): string {
  try {
    return JSON.stringify(value);
  } catch (error) {
    return JSON.stringify({ ts: value.ts, level: value.level, msg: value.msg, logError: `fields not serialisable: ${error instanceof Error ? error.message : String(error)}` });
  }
}

/** Control characters (C0, DEL, C1) and Unicode line separators: never written raw. */
const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;
const NEEDS_QUOTES = /[\s"=\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/**
 * Values often come from the network (node names, tags, a peer's error text): a NUL, an
 * escape sequence or a newline in them must not reach a terminal or split a log line.
 */
function formatValue(value: unknown): string {
  if (typeof value === "string") return NEEDS_QUOTES.test(value) ? escapeControls(JSON.stringify(value)) : value;
  if (value instanceof Error) return escapeControls(JSON.stringify(value.message));
  return escapeControls(JSON.stringify(value) ?? String(value));
}

/** logfmt has no structure: an object or list is its JSON text, quoted like any other string. */
function logfmtValue(value: unknown): string {
  if (typeof value === "string" || value instanceof Error) return formatValue(value);
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return formatValue(safeJson(value));
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** `\uXXXX` for every control character left (JSON.stringify leaves DEL, C1 and U+2028/9 raw). */
function escapeControls(text: string): string {
  return text.replace(CONTROL_CHARS, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** Discards everything; for tests that do not look at logs. */
export const silentLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  child: () => silentLogger,
};

/** Keeps lines in memory so tests can assert on what was logged. */
export function createMemoryLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const logger = createLineLogger({ minLevel: "debug", write: (l) => lines.push(l), nowMs: () => 0 });
  return Object.assign(logger, { lines });
}
