import type { Point } from "./line-protocol.ts";

/** The parts of a status-JSON node that the `node` and `probe` measurements record. */
export interface NodeStatusLike {
  name: string;
  status: string;
  member_status?: { addr?: string; status?: string; tags?: Record<string, string> };
  probes?: readonly ProbeLike[];
}

export interface ProbeLike {
  checker: string;
  status: string;
  error?: string;
  code?: string;
  detail?: string;
}

/**
 * The original agent's `node` measurement: tags name, node_name and every member tag (role,
 * publicip, ...); fields addr, member_status, status. `name` and `node_name` win over member
 * tags of the same key, and a tag named `time` is left out (InfluxDB refuses it).
 */
export function nodePoint(node: NodeStatusLike, tsMs: number): Point {
  const tags: Record<string, string | undefined> = {};
  for (const [key, value] of Object.entries(node.member_status?.tags ?? {})) {
    if (key !== "time") tags[key] = value;
  }
  return {
    measurement: "node",
    tags: { ...tags, name: node.name, node_name: node.name },
    fields: { addr: node.member_status?.addr ?? "", member_status: node.member_status?.status ?? "", status: node.status },
    tsMs,
  };
}

/** The original agent's `probe` measurement: tags checker, node, node_name, status; fields error, code, detail. */
export function probePoint(nodeName: string, probe: ProbeLike, tsMs: number): Point {
  return {
    measurement: "probe",
    tags: { checker: probe.checker, node: nodeName, node_name: nodeName, status: probe.status },
    // `error` is always written (empty when running) so every probe point has a field.
    fields: { error: probe.error ?? "", code: probe.code, detail: probe.detail },
    tsMs,
  };
}

/** One `node` point and one `probe` point per probe. */
export function nodeStatusPoints(node: NodeStatusLike, tsMs: number): Point[] {
  return [nodePoint(node, tsMs), ...(node.probes ?? []).map((p) => probePoint(node.name, p, tsMs))];
}

/** `check_metric`: one number a check measured (tags node, checker, metric; field value). */
export function checkMetricPoint(node: string, checker: string, metric: string, value: number, tsMs: number): Point {
  return { measurement: "check_metric", tags: { node, checker, metric }, fields: { value }, tsMs };
}

/** What gossip measured about one peer; absent numbers are not known yet. */
export interface PeerNumbers {
  peer: string;
  rttP50Ms?: number;
  rttP95Ms?: number;
  lossPercent?: number;
  clockOffsetMs?: number;
}

/** `peer`: this node's measurements of one peer (tags node, peer; fields rtt_p50_ms, rtt_p95_ms, loss_percent, clock_offset_ms). */
export function peerPoint(node: string, numbers: PeerNumbers, tsMs: number): Point {
  return {
    measurement: "peer",
    tags: { node, peer: numbers.peer },
    fields: { rtt_p50_ms: numbers.rttP50Ms, rtt_p95_ms: numbers.rttP95Ms, loss_percent: numbers.lossPercent, clock_offset_ms: numbers.clockOffsetMs },
    tsMs,
  };
}
