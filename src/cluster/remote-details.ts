import type { Probe } from "../events/health-state.ts";
import type { Clock } from "../platform/clock.ts";
import type { DetailedProbe, NodeDetailsReply } from "./probe-sync-messages.ts";
import type { NodeStatusJson } from "./status-json.ts";

export interface RemoteDetailsOptions {
  clock: Clock;
  /** Asks a node for its details over the gossip port; rejects on any failure. */
  request: (name: string, timeoutMs: number) => Promise<NodeDetailsReply>;
  /** This node's own details. */
  local: () => NodeDetailsReply;
  /** Whether a node runs Satellite and is alive (only those are asked). */
  askable: (name: string) => boolean;
  timeoutMs: number;
  /** Answers (and failures) are reused this long. */
  cacheMs: number;
  /** Requests in flight at once, so a large cluster is asked in waves. */
  concurrency: number;
}

interface CacheEntry {
  atMs: number;
  value?: NodeDetailsReply;
}

/**
 * What does not travel by default — checker data beyond the shared bound, per-peer
 * measurements, the latest numbers of each check — fetched on demand from each node over the
 * gossip port (`/status?details`): a short timeout, a cache, at most one request per node in
 * flight and a bounded number at once. A node that does not answer keeps what gossip brought.
 */
export function createRemoteDetails(options: RemoteDetailsOptions) {
  const cache = new Map<string, CacheEntry>();
  const inflight = new Map<string, Promise<NodeDetailsReply | undefined>>();
  let running = 0;
  const waiting: (() => void)[] = [];

  const slot = async (): Promise<() => void> => {
    while (running >= options.concurrency) await new Promise<void>((resolve) => waiting.push(resolve));
    running++;
    return () => {
      running--;
      waiting.shift()?.();
    };
  };

  const fetchOne = (name: string): Promise<NodeDetailsReply | undefined> => {
    const cached = cache.get(name);
    if (cached && options.clock.monotonicMs() - cached.atMs < options.cacheMs) return Promise.resolve(cached.value);
    const pending = inflight.get(name);
    if (pending) return pending;
    const request = (async () => {
      const release = await slot();
      try {
        return await options.request(name, options.timeoutMs);
      } catch {
        return undefined;
      } finally {
        release();
      }
    })().then((value) => {
      cache.set(name, { atMs: options.clock.monotonicMs(), value });
      inflight.delete(name);
      return value;
    });
    inflight.set(name, request);
    return request;
  };

  return {
    /** Every node with its details: this node's own, and those of every live Satellite node that answers. */
    async enrich(nodes: readonly NodeStatusJson[], localName: string): Promise<NodeStatusJson[]> {
      for (const name of cache.keys()) if (!nodes.some((n) => n.name === name)) cache.delete(name);
      return Promise.all(
        nodes.map(async (node) => {
          if (node.name === localName) return withDetails(node, options.local());
          if (!options.askable(node.name)) return node;
          const details = await fetchOne(node.name);
          return details ? withDetails(node, details) : node;
        }),
      );
    },
  };
}

function withDetails(node: NodeStatusJson, details: NodeDetailsReply): NodeStatusJson {
  return {
    ...node,
    probes: details.probes.map(probeJson),
    peers: details.peers.map((p) => ({ name: p.name, rtt_samples: p.rttSamples, rtt_p50_ms: p.p50RttMs, rtt_p95_ms: p.p95RttMs, loss_percent: p.lossPercent, clock_offset_ms: p.clockOffsetMs })),
    metrics: details.metrics.map((m) => ({ probe: m.probe, name: m.name, value: m.value })),
  };
}

function probeJson(p: DetailedProbe): Probe {
  const probe: Probe = { checker: p.checker, status: p.status };
  if (p.error) probe.error = p.error;
  if (p.detail) probe.detail = p.detail;
  if (p.code) probe.code = p.code;
  if (p.severity) probe.severity = p.severity;
  if (p.checkerData) probe.checker_data = p.checkerData;
  return probe;
}
