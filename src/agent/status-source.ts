import type { StatusSource } from "../api/api-deps.ts";
import type { ClusterMember } from "../cluster/cluster-member.ts";
import type { NodeStatusJson } from "../cluster/status-json.ts";

/**
 * /status is rendered at most this often (longer for a view slow to encode, up to 1 s:
 * api/status-cache-lifetime.ts); adds at most that much to how fast a change shows.
 */
export const STATUS_CACHE_MS = 100;

/**
 * What the API's status routes read: the cluster from this node's gossip-fed view (with
 * `details`, every node's full probes and measurements asked over gossip), and this node alone.
 */
export function clusterStatusSource(member: Pick<ClusterMember, "view" | "withDetails">, local: () => NodeStatusJson): StatusSource {
  return {
    cluster: async (options) => {
      const status = member.view.status();
      if (!options?.details || !status.nodes) return status;
      return { ...status, nodes: await member.withDetails(status.nodes) };
    },
    local,
  };
}
