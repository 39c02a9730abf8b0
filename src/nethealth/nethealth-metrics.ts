import { escapeHelp, formatLabels, formatValue } from "../metrics/exposition.ts";
import type { EchoDropReason } from "./echo-prober.ts";
import type { NethealthReport, PeerEchoReport } from "./peer-report.ts";

interface FamilyRow {
  labels: Readonly<Record<string, string>>;
  value: number;
}

function family(lines: string[], name: string, type: "gauge" | "counter", help: string, rows: readonly FamilyRow[]): void {
  lines.push(`# HELP ${name} ${escapeHelp(help)}`, `# TYPE ${name} ${type}`);
  for (const row of rows) lines.push(`${name}${formatLabels(Object.keys(row.labels), Object.values(row.labels))} ${formatValue(row.value)}`);
}

function perPeer(peers: readonly PeerEchoReport[], value: (p: PeerEchoReport) => number | undefined): FamilyRow[] {
  return peers.flatMap((p) => {
    const v = value(p);
    return v === undefined ? [] : [{ labels: { peer: p.name }, value: v }];
  });
}

/**
 * The report in the Prometheus text format. Label values are node names (from the peer list)
 * and fixed reason words, never anything a packet carried.
 */
export function renderNethealthMetrics(report: NethealthReport, drops: Readonly<Record<EchoDropReason, number>>, sendErrors: number): string {
  const lines: string[] = [];
  const { peers } = report;
  family(lines, "satellite_nethealth_peers", "gauge", "Peers this node echoes with over the pod network", [{ labels: {}, value: peers.length }]);
  family(lines, "satellite_nethealth_peer_loss_ratio", "gauge", `Share of the last ${report.windowProbes} echoes to the peer that got no reply (0-1)`, perPeer(peers, (p) => (p.lossPercent === undefined ? undefined : p.lossPercent / 100)));
  family(lines, "satellite_nethealth_peer_rtt_seconds", "gauge", "Round trip of the answered echoes to the peer over the window, by percentile (50, 95)", [
    ...peers.flatMap((p) => (p.rttP50Ms === undefined ? [] : [{ labels: { peer: p.name, percentile: "50" }, value: p.rttP50Ms / 1000 }])),
    ...peers.flatMap((p) => (p.rttP95Ms === undefined ? [] : [{ labels: { peer: p.name, percentile: "95" }, value: p.rttP95Ms / 1000 }])),
  ]);
  family(lines, "satellite_nethealth_echo_requests_total", "counter", "Echo requests sent to the peer", perPeer(peers, (p) => p.requestsTotal));
  family(lines, "satellite_nethealth_echo_replies_total", "counter", "Echo replies received from the peer in time", perPeer(peers, (p) => p.repliesTotal));
  family(lines, "satellite_nethealth_echo_lost_total", "counter", "Echoes to the peer that got no reply within the timeout", perPeer(peers, (p) => p.lostTotal));
  family(lines, "satellite_nethealth_echo_late_replies_total", "counter", "Replies from the peer that came after the timeout or matched no echo", perPeer(peers, (p) => p.lateRepliesTotal));
  family(lines, "satellite_nethealth_datagrams_dropped_total", "counter", "Received datagrams not used, by reason", Object.entries(drops).map(([reason, value]) => ({ labels: { reason }, value })));
  family(lines, "satellite_nethealth_send_errors_total", "counter", "Echo datagrams the socket refused to send", [{ labels: {}, value: sendErrors }]);
  return `${lines.join("\n")}\n`;
}
