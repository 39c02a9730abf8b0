import { isIpLiteral } from "../membership/wire/ip.ts";
import type { Clock } from "../platform/clock.ts";
import type { NodeStatusJson } from "./status-json.ts";

/** The tag in which a node advertises its API port when the API is reachable from other hosts. */
export const API_PORT_TAG = "sat-api";

/**
 * The port a `sat-api` tag names: decimal digits only, 1..65535, nothing else. The tag comes
 * from the network; anything more (a path, a query, a host) would turn the details request
 * into a request of the sender's choosing.
 */
export function parseApiPortTag(value: string | undefined): number | undefined {
  if (value === undefined || !/^[1-9][0-9]{0,4}$/.test(value)) return undefined;
  const port = Number(value);
  return port <= 0xffff ? port : undefined;
}

/**
 * `http://<gossip IP>:<port>/local` for a member whose gossip address (`ip:port` or
 * `[ip6]:port`, as in member_status.addr) is an IP literal; undefined otherwise.
 */
export function detailsUrl(gossipAddr: string, apiPort: number): string | undefined {
  const match = /^(?:\[([^\]]+)\]|([^:[\]]+)):\d{1,5}$/.exec(gossipAddr);
  const ip = match?.[1] ?? match?.[2];
  if (ip === undefined || !isIpLiteral(ip)) return undefined;
  return `http://${ip.includes(":") ? `[${ip}]` : ip}:${apiPort}/local`;
}

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
          const port = parseApiPortTag(member?.tags[API_PORT_TAG]);
          if (node.name === localName || !member || member.status !== "alive" || port === undefined) return node;
          const url = detailsUrl(member.addr, port);
          if (!url) return node;
          const details = await fetchOne(node.name, url);
          return details ? { ...node, status: details.status ?? node.status, probes: details.probes } : node;
        }),
      );
    },
  };
}

function isNodeStatus(value: unknown): value is NodeStatusJson {
  return typeof value === "object" && value !== null && typeof (value as { name?: unknown }).name === "string";
}
