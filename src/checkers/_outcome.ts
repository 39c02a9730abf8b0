import { describeError } from "../platform/errors.ts";
import { describeRuntimeError } from "../platform/runtime-errors.ts";
import { redactCredentials } from "../platform/redact.ts";
import type { Severity } from "../events/health-state.ts";
import type { CheckOutcome } from "../probes/check-outcome.ts";

/** Longest error/detail text a checker reports, in bytes of UTF-8. */
export const TEXT_BYTES_MAX = 4096;

/** Largest checker data (as JSON) kept; bigger data is replaced by a note saying so. */
export const DATA_BYTES_MAX = 16 * 1024;

/** Cuts `text` to at most `bytesMax` UTF-8 bytes, marking the cut with "…". */
export function capText(text: string, bytesMax: number = TEXT_BYTES_MAX): string {
  const bytes = new TextEncoder().encode(text);
  if (bytes.length <= bytesMax) return text;
  const marker = "…";
  const room = bytesMax - new TextEncoder().encode(marker).length;
  // fatal: false drops a multi-byte character cut in half at the end.
  const head = new TextDecoder("utf-8", { fatal: false }).decode(bytes.subarray(0, room));
  return head.replace(/\uFFFD$/, "") + marker;
}

export interface OutcomeFields {
  detail?: string;
  data?: unknown;
  metrics?: Record<string, number>;
  code?: string;
}

export function running(fields: OutcomeFields = {}): CheckOutcome {
  return clean({ status: "running", ...fields });
}

export function failed(error: string, fields: OutcomeFields & { severity?: Severity } = {}): CheckOutcome {
  return clean({ status: "failed", error, ...fields });
}

/** A failed outcome for something thrown while checking (network error, abort...). */
export function failedFrom(what: string, error: unknown, fields: OutcomeFields & { severity?: Severity } = {}): CheckOutcome {
  return failed(`${what}: ${describeCause(error)}`, fields);
}

/** The error message with a nested cause's code/message when the outer one is vague. */
export function describeCause(error: unknown): string {
  if (error instanceof Error && error.name === "AbortError") return "aborted (check timed out or agent stopping)";
  if (error instanceof Error && error.name === "TimeoutError") return error.message.includes(" ") ? `timed out: ${error.message}` : "timed out";
  // A network error of the runtime is already in our words and says where (platform/runtime-errors.ts).
  const ours = describeRuntimeError(error);
  if (ours !== undefined) return ours;
  const code = (error as { code?: unknown } | null)?.code;
  const message = describeError(error);
  return typeof code === "string" && !message.includes(code) ? `${message} (${code})` : message;
}

// Error and detail go to /status, history, InfluxDB and other nodes: a URL a check was given
// with `user:pass@` (or `?token=`) shows redacted there.
function clean(outcome: CheckOutcome): CheckOutcome {
  const result: CheckOutcome = { status: outcome.status };
  if (outcome.severity) result.severity = outcome.severity;
  if (outcome.error) result.error = capText(redactCredentials(outcome.error));
  if (outcome.detail) result.detail = capText(redactCredentials(outcome.detail));
  if (outcome.code) result.code = capText(outcome.code, 256);
  if (outcome.data !== undefined) result.data = boundData(outcome.data);
  if (outcome.metrics && Object.keys(outcome.metrics).length > 0) result.metrics = outcome.metrics;
  return result;
}

function boundData(data: unknown): unknown {
  const json = JSON.stringify(data);
  if (json === undefined) return undefined;
  const shown = redactCredentials(json);
  const bytes = new TextEncoder().encode(shown).length;
  if (bytes > DATA_BYTES_MAX) return { truncated: true, bytes };
  if (shown === json) return data;
  try {
    return JSON.parse(shown) as unknown;
  } catch {
    return { redacted: true, bytes };
  }
}
