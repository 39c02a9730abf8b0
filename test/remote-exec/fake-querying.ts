import type { IncomingSerfQuery, SerfQuerying, SerfQueryParams, SerfQueryResponse } from "../../src/cluster/serf-query-api.ts";

export interface FakeNode {
  name: string;
  tags: Record<string, string>;
  /** Absent: the node acks but never answers. */
  answer?: (query: IncomingSerfQuery) => Promise<Uint8Array | undefined>;
}

/**
 * serf queries in one process: every node whose name and tags pass the filters (tag values as
 * regular expressions, as serf takes them) acks and answers. Records what was sent.
 */
export function createFakeQuerying(nodes: readonly FakeNode[], sourceNode = "node-a"): SerfQuerying & { sent: SerfQueryParams[] } {
  const sent: SerfQueryParams[] = [];
  return {
    sent,
    async query(params, onResponse) {
      sent.push(params);
      const matching = nodes.filter(
        (n) => (!params.filterNodes || params.filterNodes.includes(n.name)) && Object.entries(params.filterTags ?? {}).every(([k, re]) => n.tags[k] !== undefined && new RegExp(re).test(n.tags[k] as string)),
      );
      const responses: SerfQueryResponse[] = [];
      for (const node of matching) {
        const payload = await node.answer?.({ name: params.name, payload: params.payload, sourceNode, ltime: 1, id: sent.length });
        if (payload === undefined) continue;
        const response = { from: node.name, payload };
        responses.push(response);
        onResponse?.(response);
      }
      return { acks: params.requestAck ? matching.map((n) => n.name) : [], responses };
    },
    answerQuery() {
      return () => {};
    },
  };
}
