import type { Probe } from "../events/health-state.ts";
import type { ClusterStatusJson, MaintenanceWindowJson, NodeStatusJson } from "../cluster/status-json.ts";
import { describeWindowTarget } from "../cluster/maintenance-window.ts";
import { formatTags } from "../config/tag-syntax.ts";
import { formatTable } from "./table.ts";
import { paintHealth, plainText, type TerminalStyle } from "./terminal-style.ts";

/**
 * The status as a person reads it on a terminal: the verdict and why, one line per node (its
 * health, its gossip state, how many probes fail), then every failing probe with its error.
 * `wide` adds addresses, tags and when each node last reported, and lists passing probes too.
 * A node or probe under a maintenance window shows its real state with "(maintenance)" (dimmed:
 * it does not count), and the active windows are listed after the nodes.
 * Everything that came from the network is shown through plainText (no terminal escapes).
 */
export function renderClusterSummary(status: ClusterStatusJson, style: TerminalStyle, wide: boolean): string {
  const verdict = status.status ?? "unknown";
  const out = [`Cluster ${style.bold(paintHealth(style, verdict))}${status.summary ? `: ${plainText(status.summary)}` : ""}`];
  const nodes = status.nodes ?? [];
  if (nodes.length === 0) {
    out.push("", "No nodes reported yet.");
    return out.join("\n");
  }
  const header = wide ? ["NODE", "HEALTH", "MEMBER", "ADDRESS", "PROBES", "REPORTED", "TAGS"] : ["NODE", "HEALTH", "MEMBER", "PROBES"];
  const rows = nodes.map((node) => {
    const base = [plainText(node.name), muted(node.status ?? "unknown", node), node.member_status?.status ?? "-"];
    if (!wide) return [...base, probeCount(node.probes ?? [])];
    return [...base, plainText(node.member_status?.addr ?? "-"), probeCount(node.probes ?? []), node.reported_at ?? "-", plainText(formatTags(node.member_status?.tags ?? {}))];
  });
  out.push("", formatTable(header, rows, (text, _row, column) => (column === 1 || column === 2 ? paintHealth(style, text) : text)));
  out.push(...maintenanceSection(status.maintenance ?? []));
  out.push(...probeSection(nodes, style, wide));
  return out.join("\n");
}

/** "degraded (maintenance)" for what a window mutes. */
function muted(word: string, subject: { maintenance?: unknown }): string {
  return subject.maintenance ? `${word} (maintenance)` : word;
}

function maintenanceSection(windows: readonly MaintenanceWindowJson[]): string[] {
  if (windows.length === 0) return [];
  return ["", "Maintenance:", ...windows.map((w) => plainText(`  ${describeWindowTarget(w)} until ${w.until.slice(0, 19)}Z by ${w.author}${w.reason ? `: ${w.reason}` : ""} (${w.id})`))];
}

/** One node (`status --local`): its verdict and its probes, failing ones first. */
export function renderNodeSummary(node: NodeStatusJson, style: TerminalStyle, wide: boolean): string {
  const out = [`Node ${plainText(node.name)} ${style.bold(paintHealth(style, node.status ?? "unknown"))}: ${probeCount(node.probes ?? [])}`];
  out.push(...probeSection([node], style, wide));
  return out.join("\n");
}

function probeSection(nodes: readonly NodeStatusJson[], style: TerminalStyle, wide: boolean): string[] {
  const shown = nodes.flatMap((node) => (node.probes ?? []).filter((p) => wide || p.status !== "running").map((p) => ({ node: node.name, probe: p })));
  if (shown.length === 0) return [];
  shown.sort((a, b) => rank(a.probe) - rank(b.probe));
  const rows = shown.map(({ node, probe }) => [plainText(node), plainText(probe.checker), muted(probe.status, probe), probe.severity ?? "critical", plainText(probe.error ?? probe.detail ?? "")]);
  const paint = (text: string, row: number, column: number): string => {
    if (column === 2) return paintHealth(style, text);
    if (column === 3 && text === "warning") return style.warn(text);
    if (column === 4 && shown[row]?.probe.status !== "running") return style.bad(text);
    return text;
  };
  return ["", wide ? "Probes:" : "Failing probes:", formatTable(["NODE", "PROBE", "STATUS", "SEVERITY", wide ? "DETAIL" : "ERROR"], rows, paint)];
}

/** Failing critical probes first, then warnings, then passing ones. */
function rank(probe: Probe): number {
  if (probe.status === "running") return 2;
  return probe.severity === "warning" ? 1 : 0;
}

/** "12 ok", "1 of 12 failing", "1 of 12 failing (warning)", "none". */
export function probeCount(probes: readonly Probe[]): string {
  if (probes.length === 0) return "none";
  const failing = probes.filter((p) => p.status !== "running");
  if (failing.length === 0) return `${probes.length} ok`;
  const warningsOnly = failing.every((p) => p.severity === "warning");
  return `${failing.length} of ${probes.length} failing${warningsOnly ? " (warning)" : ""}`;
}
