import type { Clock } from "../platform/clock.ts";
import type { NodeStatusJson } from "./status-json.ts";

/** The tag in which a node advertises its API port when the API is reachable from other hosts. */
export const API_PORT_TAG = "sat-api";

export interface RemoteDetailsOptions {
  clock: Clock;
  /** Fetches JSON with a deadline; rejects on any failure. */
  fetchJson: (url: string, timeoutMs: number) => Promise<unknown>;
  timeoutMs: number;
  /** Answers (and failures) are reused this long. */
  cacheMs: number;
}

interface CacheEntry {
  atMs: number;
  value?: NodeStatusJson;
}

/**
 * Full probe details of remote nodes, from their own `GET /local`, on demand: a short timeout,
 * a cache, and at most one request per node in flight. A node that does not answer keeps what
 * its digest says.
 */
export function createRemoteDetails(options: RemoteDetailsOptions) {
  const cache = new Map<string, CacheEntry>();
  const inflight = new Map<string, Promise<NodeStatusJson | undefined>>();

  const fetchOne = (name: string, url: string): Promise<NodeStatusJson | undefined> => {
    const cached = cache.get(name);
    if (cached && options.clock.monotonicMs() - cached.atMs < options.cacheMs) return Promise.resolve(cached.value);
    const running = inflight.get(name);
    if (running) return running;
    const request = options
      .fetchJson(url, options.timeoutMs)
      .then((body) => (isNodeStatus(body) ? body : undefined))
      .catch(() => undefined)
      .then((value) => {
        cache.set(name, { atMs: options.clock.monotonicMs(), value });
        inflight.delete(name);
        return value;
      });
    inflight.set(name, request);
    return request;
  };

  return {
    /** Replaces the probes of remote nodes that advertise their API with what they answer themselves. */
    async enrich(nodes: readonly NodeStatusJson[], localName: string): Promise<NodeStatusJson[]> {
      return Promise.all(
        nodes.map(async (node) => {
          const member = node.member_status;
          const port = member?.tags[API_PORT_TAG];
          if (node.name === localName || !member || member.status !== "alive" || !port) return node;
          const host = member.addr.replace(/:\d+$/, "");
          const details = await fetchOne(node.name, `http://${host}:${port}/local`);
          return details ? { ...node, status: details.status ?? node.status, probes: details.probes } : node;
        }),
      );
    },
  };
}

function isNodeStatus(value: unknown): value is NodeStatusJson {
  return typeof value === "object" && value !== null && typeof (value as { name?: unknown }).name === "string";
}
