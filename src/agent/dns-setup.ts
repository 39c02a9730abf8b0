import { apiPortOf, withoutApiPortTag } from "../cluster/api-port-tag.ts";
import type { ClusterView } from "../cluster/cluster-view.ts";
import { parseHostPort, type HostPort } from "../config/addresses.ts";
import type { AgentConfig } from "../config/load.ts";
import { parseDnsDomain } from "../dns/dns-name.ts";
import type { DnsNode } from "../dns/dns-node.ts";
import type { RunningDnsServer } from "../dns/dns-server.ts";
import type { SatelliteMetrics } from "../metrics/index.ts";
import { bunListeningSockets } from "../platform/bun-sockets.ts";
import { SatelliteError } from "../platform/errors.ts";
import type { AgentPlatform } from "./platform-deps.ts";

/** The conventional port of a DNS interface beside a cluster agent (Consul's). */
export const DNS_PORT_DEFAULT = 8600;

export interface DnsSetupDeps {
  platform: AgentPlatform;
  view: Pick<ClusterView, "facts">;
  metrics: SatelliteMetrics;
}

/** Starts the DNS interface when `--dns-addr` is set; undefined otherwise. */
export async function startDnsInterface(config: AgentConfig, deps: DnsSetupDeps): Promise<RunningDnsServer | undefined> {
  if (config.dnsAddr === undefined) return undefined;
  const { platform } = deps;
  const address = parseHostPort(config.dnsAddr, DNS_PORT_DEFAULT) as HostPort;
  const domain = parseDnsDomain(config.dnsDomain);
  if (typeof domain === "string") throw new SatelliteError("DNS_DOMAIN_INVALID", domain, { hint: "set --dns-domain to a name such as satellite or cluster.example.com" });
  // Loaded only here: dns-packet and the responder cost every agent without --dns-addr memory.
  const { startDnsServer } = await import("../dns/dns-server.ts");
  return startDnsServer({
    host: await platform.resolveHost(address.host),
    port: address.port,
    domain,
    answersPerSecond: config.dnsRateLimit,
    nodes: () => dnsNodesOf(deps.view),
    clock: platform.clock,
    logger: platform.logger.child({ part: "dns" }),
    sockets: platform.sockets ?? bunListeningSockets,
    metrics: deps.metrics,
  });
}

/** Every member as the DNS interface needs it, from the cluster view (this node's own status included). */
export function dnsNodesOf(view: Pick<ClusterView, "facts">): DnsNode[] {
  return view.facts().map((f) => {
    const node: DnsNode = { name: f.name, ip: f.member.addr, gossipPort: f.member.port, tags: withoutApiPortTag(f.tags), memberStatus: f.memberStatus };
    const apiPort = apiPortOf(f.member.tags);
    if (apiPort !== undefined) node.apiPort = apiPort;
    if (f.nodeStatus !== undefined) node.nodeStatus = f.nodeStatus;
    return node;
  });
}
