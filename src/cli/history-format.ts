import { plainText } from "./terminal-style.ts";

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

export interface EventLine {
  timestamp: string | number;
  type: string;
  node?: string;
  probe?: string;
  /** Why a probe failed (ProbeFailed). */
  error?: string;
  oldState?: string;
  newState?: string;
}

/** "ProbeFailed" -> "Probe Failed" */
function spaced(type: string): string {
  return type.replace(/([a-z])([A-Z])/g, "$1 $2");
}

/** Go's "Jan _2 15:04:05" in UTC. */
export function formatStamp(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, " ")} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} UTC`;
}

/**
 * One timeline event in the original agent's format, `[Jan _2 15:04:05 UTC] Probe Failed [node-1] [docker]`,
 * followed by why a probe failed when history knows it. The error came over the network: control
 * characters are shown escaped, never raw.
 */
export function formatEventLine(event: EventLine, withStates = false): string {
  const ms = typeof event.timestamp === "number" ? event.timestamp : Date.parse(event.timestamp);
  const parts = [`[${formatStamp(ms)}]`, spaced(event.type)];
  if (event.node) parts.push(`[${plainText(event.node)}]`);
  // A window muting a check on every node has no node: `[*]` keeps the check from reading as one.
  else if (event.probe && event.type.startsWith("Maintenance")) parts.push("[*]");
  if (event.probe) parts.push(`[${plainText(event.probe)}]`);
  if (withStates && (event.oldState || event.newState)) parts.push(`${plainText(event.oldState || "-")} -> ${plainText(event.newState || "-")}`);
  const line = parts.join(" ");
  return event.error ? `${line}: ${plainText(event.error)}` : line;
}

