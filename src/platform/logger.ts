import { redactCredentials } from "./redact.ts";

export type LogLevel = "debug" | "info" | "warn" | "error";
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
}

/** Writes one line per entry: `2026-01-01T00:00:00.000Z INFO message key=value ...`. */
export function createLineLogger(options: LineLoggerOptions): Logger {
  const log = (level: LogLevel, message: string, fields?: LogFields): void => {
    if (LEVEL_ORDER[level] < LEVEL_ORDER[options.minLevel]) return;
    const all = { ...options.fields, ...fields };
    const pairs = Object.entries(all)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${k}=${formatValue(v)}`);
    const stamp = new Date(options.nowMs()).toISOString();
    // Last line of defence: no URL credential reaches the log, whoever logged the URL.
    options.write(redactCredentials([stamp, level.toUpperCase(), escapeControls(message), ...pairs].join(" ")));
  };
  return {
    debug: (m, f) => log("debug", m, f),
    info: (m, f) => log("info", m, f),
    warn: (m, f) => log("warn", m, f),
    error: (m, f) => log("error", m, f),
    child: (fields) => createLineLogger({ ...options, fields: { ...options.fields, ...fields } }),
  };
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
