import { omitEmpty, type ClusterStatusJson } from "../cluster/status-json.ts";

/** Nodes encoded between two turns of the event loop: a 200-node view with full probe lists is ten slices. */
export const NODES_PER_SLICE = 20;

export interface EncodedStatus {
  /** Exactly `JSON.stringify(omitEmpty(status))`. */
  text: string;
  /** Time spent encoding, without the turns given to other work in between. */
  busyMs: number;
}

/**
 * Encodes a cluster status a slice of nodes at a time, giving the event loop a turn between
 * slices (`yieldToLoop`), so requests that arrive during a render of a large view are answered
 * (from the previous render) instead of waiting behind one long JSON.stringify.
 */
export async function encodeStatusInSlices(status: ClusterStatusJson, yieldToLoop: () => Promise<void>, monotonicMs: () => number): Promise<EncodedStatus> {
  let busyMs = 0;
  let started = monotonicMs();
  const nodes = status.nodes ?? [];
  if (nodes.length <= NODES_PER_SLICE) return { text: JSON.stringify(omitEmpty(status)), busyMs: monotonicMs() - started };
  const nodeTexts: string[] = [];
  for (let at = 0; at < nodes.length; at += NODES_PER_SLICE) {
    for (const node of nodes.slice(at, at + NODES_PER_SLICE)) nodeTexts.push(JSON.stringify(omitEmpty(node)));
    busyMs += monotonicMs() - started;
    await yieldToLoop();
    started = monotonicMs();
  }
  // The other keys as omitEmpty keeps them, in the status's own key order with the nodes in their place.
  const rest = omitEmpty({ ...status, nodes: undefined }) as Record<string, unknown>;
  const members: string[] = [];
  for (const key of Object.keys(status)) {
    if (key === "nodes") members.push(`"nodes":[${nodeTexts.join(",")}]`);
    else if (Object.hasOwn(rest, key)) members.push(`${JSON.stringify(key)}:${JSON.stringify(rest[key])}`);
  }
  const text = `{${members.join(",")}}`;
  return { text, busyMs: busyMs + monotonicMs() - started };
}
