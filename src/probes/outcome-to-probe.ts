import type { Probe, Severity } from "../events/health-state.ts";
import type { CheckOutcome } from "./check-outcome.ts";

/** Longest error/detail text kept in a probe; longer text is cut with a marker. */
export const PROBE_TEXT_MAX_BYTES = 4096;

/**
 * Converts a check's outcomes into status-JSON probes named after the check. An empty list
 * becomes one running probe. Failed outcomes take the check's severity unless they carry one;
 * critical is left implicit (omitted) as the original shape does.
 */
export function outcomesToProbes(checker: string, outcomes: readonly CheckOutcome[], defaultSeverity: Severity): Probe[] {
  if (outcomes.length === 0) return [{ checker, status: "running" }];
  return outcomes.map((o) => {
    const probe: Probe = { checker, status: o.status };
    if (o.error) probe.error = capText(o.error);
    if (o.detail) probe.detail = capText(o.detail);
    if (o.code) probe.code = o.code;
    const severity = o.severity ?? defaultSeverity;
    if (o.status === "failed" && severity === "warning") probe.severity = "warning";
    if (o.data !== undefined) probe.checker_data = Buffer.from(JSON.stringify(o.data)).toString("base64");
    return probe;
  });
}

export function capText(text: string, maxBytes = PROBE_TEXT_MAX_BYTES): string {
  if (Buffer.byteLength(text) <= maxBytes) return text;
  return `${Buffer.from(text).subarray(0, maxBytes - 20).toString().replace(/\uFFFD$/, "")}... (truncated)`;
}
