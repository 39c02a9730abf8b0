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

/** The original agent's `node` measurement: tags name, role, publicip; fields addr, member_status, status. */
export function nodePoint(node: NodeStatusLike, tsMs: number): Point {
  const tags = node.member_status?.tags ?? {};
  return {
    measurement: "node",
    tags: { name: node.name, role: tags.role, publicip: tags.publicip },
    fields: { addr: node.member_status?.addr ?? "", member_status: node.member_status?.status ?? "", status: node.status },
    tsMs,
  };
}

/** The original agent's `probe` measurement: tags checker, node, status; fields error, code, detail. */
export function probePoint(nodeName: string, probe: ProbeLike, tsMs: number): Point {
  return {
    measurement: "probe",
    tags: { checker: probe.checker, node: nodeName, status: probe.status },
    // `error` is always written (empty when running) so every probe point has a field.
    fields: { error: probe.error ?? "", code: probe.code, detail: probe.detail },
    tsMs,
  };
}

/** One `node` point and one `probe` point per probe. */
export function nodeStatusPoints(node: NodeStatusLike, tsMs: number): Point[] {
  return [nodePoint(node, tsMs), ...(node.probes ?? []).map((p) => probePoint(node.name, p, tsMs))];
}
