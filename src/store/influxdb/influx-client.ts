import { describeError } from "../../platform/errors.ts";
import { redactCredentials } from "../../platform/redact.ts";

/** Where and as whom to write (the original's --influxdb-url/-database/-user/-password). */
export interface InfluxConfig {
  /** Base URL, e.g. `http://127.0.0.1:8086`; credentials in it are used, never shown (messages carry it redacted). */
  url: string;
  database: string;
  user?: string;
  password?: string;
}

export type FetchFn = (input: string, init: RequestInit) => Promise<Response>;

/**
 * A failed write. `retryable` means "keep the lines and try later" (InfluxDB down, 5xx,
 * database missing, credentials refused: all fixable by the operator without losing data);
 * otherwise InfluxDB refused the lines themselves (400) and resending cannot help.
 */
export class InfluxWriteError extends Error {
  readonly retryable: boolean;
  readonly status?: number;
  readonly hint: string;
  /** For a 1.x "partial write": how many lines InfluxDB dropped (the rest were stored). */
  readonly droppedLines?: number;

  constructor(
    message: string,
    options: { retryable: boolean; status?: number; hint: string; droppedLines?: number; cause?: unknown },
  ) {
    super(message, { cause: options.cause });
    this.name = "InfluxWriteError";
    this.retryable = options.retryable;
    this.status = options.status;
    this.hint = options.hint;
    this.droppedLines = options.droppedLines;
  }
}

function headers(config: InfluxConfig): Record<string, string> {
  const h: Record<string, string> = { "content-type": "text/plain; charset=utf-8" };
  if (config.user !== undefined) {
    h.authorization = `Basic ${Buffer.from(`${config.user}:${config.password ?? ""}`).toString("base64")}`;
  }
  return h;
}

function endpoint(config: InfluxConfig, path: string, params: Record<string, string>): string {
  const url = new URL(path, config.url.endsWith("/") ? config.url : `${config.url}/`);
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  return url.toString();
}

/** POSTs lines to `/write?precision=ms`; resolves on 204, throws InfluxWriteError otherwise. */
export async function writeLines(fetchFn: FetchFn, config: InfluxConfig, lines: readonly string[], timeoutMs: number): Promise<void> {
  const url = endpoint(config, "write", { db: config.database, precision: "ms" });
  let response: Response;
  try {
    response = await fetchFn(url, {
      method: "POST",
      headers: headers(config),
      body: `${lines.join("\n")}\n`,
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (cause) {
    throw new InfluxWriteError(redactCredentials(`InfluxDB at ${config.url} unreachable: ${describeError(cause)}`), {
      retryable: true,
      hint: "start InfluxDB or fix --influxdb-url; points are queued on disk meanwhile",
      cause,
    });
  }
  if (response.status === 204 || response.status === 200) {
    await response.body?.cancel();
    return;
  }
  const body = (await response.text().catch(() => "")).slice(0, 500).trim();
  const status = response.status;
  const detail = redactCredentials(`InfluxDB at ${config.url} answered ${status} for database ${config.database}: ${body}`);
  if (status === 401 || status === 403) {
    throw new InfluxWriteError(detail, { retryable: true, status, hint: "check --influxdb-user and --influxdb-password; points are queued on disk meanwhile" });
  }
  if (status === 404) {
    throw new InfluxWriteError(detail, { retryable: true, status, hint: `create the database (CREATE DATABASE "${config.database}"); points are queued on disk meanwhile` });
  }
  if (status >= 400 && status < 500) {
    const partial = /partial write.*dropped=(\d+)/.exec(body);
    throw new InfluxWriteError(detail, {
      retryable: false,
      status,
      hint: "InfluxDB refused these points; they are dropped and counted",
      droppedLines: partial ? Number(partial[1]) : undefined,
    });
  }
  throw new InfluxWriteError(detail, { retryable: true, status, hint: "check the InfluxDB server logs; points are queued on disk meanwhile" });
}

/** An InfluxQL identifier in double quotes, with `\` and `"` escaped. */
export function quoteIdentifier(name: string): string {
  return `"${name.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/**
 * `CREATE DATABASE "<name>"` (a no-op when it exists), as the original agent did at start.
 * Throws InfluxWriteError: `retryable` when InfluxDB is unreachable or failing; status 401/403
 * when these credentials may not create databases.
 */
export async function createDatabase(fetchFn: FetchFn, config: InfluxConfig, timeoutMs: number): Promise<void> {
  const url = endpoint(config, "query", { q: `CREATE DATABASE ${quoteIdentifier(config.database)}` });
  let response: Response;
  try {
    response = await fetchFn(url, { method: "POST", headers: headers(config), signal: AbortSignal.timeout(timeoutMs) });
  } catch (cause) {
    throw new InfluxWriteError(redactCredentials(`InfluxDB at ${config.url} unreachable: ${describeError(cause)}`), {
      retryable: true,
      hint: "start InfluxDB or fix --influxdb-url; points are queued on disk meanwhile",
      cause,
    });
  }
  const text = await response.text().catch(() => "");
  const body = text.slice(0, 500).trim();
  // 1.x may answer 200 with {"results":[{"error":...}]} when a statement fails.
  const statementError = firstStatementError(text);
  const refused = response.status === 401 || response.status === 403 || (statementError !== undefined && /authoriz|privilege/i.test(statementError));
  if (response.ok && statementError === undefined) return;
  const detail = redactCredentials(`InfluxDB at ${config.url} answered ${response.status} to CREATE DATABASE ${config.database}: ${body}`);
  if (refused) {
    throw new InfluxWriteError(detail, {
      retryable: true,
      status: response.status === 200 ? 403 : response.status,
      hint: `create the database as an admin (CREATE DATABASE ${quoteIdentifier(config.database)}) or give --influxdb-user the right to; writing goes on meanwhile`,
    });
  }
  throw new InfluxWriteError(detail, { retryable: true, status: response.status, hint: "check the InfluxDB server logs; points are queued on disk meanwhile" });
}

/** Runs an InfluxQL statement (GET for reads, POST for changes) and returns the parsed JSON. */
export async function influxQuery(fetchFn: FetchFn, config: InfluxConfig, q: string, timeoutMs = 5000): Promise<unknown> {
  const isRead = /^\s*(SELECT|SHOW)\b/i.test(q);
  const url = endpoint(config, "query", { db: config.database, q, epoch: "ms" });
  const response = await fetchFn(url, { method: isRead ? "GET" : "POST", headers: headers(config), signal: AbortSignal.timeout(timeoutMs) });
  const text = await response.text();
  if (!response.ok) throw new Error(redactCredentials(`InfluxDB query ${JSON.stringify(q)} at ${config.url} failed with ${response.status}: ${text.slice(0, 500)}`));
  return JSON.parse(text) as unknown;
}

function firstStatementError(text: string): string | undefined {
  try {
    const parsed = JSON.parse(text) as { error?: unknown; results?: { error?: unknown }[] };
    const error = parsed.error ?? parsed.results?.find((r) => r?.error !== undefined)?.error;
    return typeof error === "string" ? error : undefined;
  } catch {
    return undefined;
  }
}
