import type { MembershipConfig } from "./config.ts";

/** The memberlist/serf defaults for one LAN (serf's own values, see REFERENCE.md). */
export function lanConfig(name: string): MembershipConfig {
  return {
    name,
    probeIntervalMs: 1000,
    probeTimeoutMs: 500,
    indirectChecks: 3,
    gossipIntervalMs: 200,
    gossipNodes: 3,
    gossipToTheDeadMs: 30_000,
    suspicionMult: 4,
    suspicionMaxTimeoutMult: 6,
    retransmitMult: 4,
    pushPullIntervalMs: 30_000,
    tcpTimeoutMs: 10_000,
    awarenessMaxMultiplier: 8,
    disableTcpPings: false,
    metaMaxBytes: 512,
    vsn: [1, 5, 2, 2, 5, 5],
    broadcastQueueMax: 4096,
    joinSyncDelaysMs: [1500, 4000],
    leaveSyncPeers: 2,
    udpBlockedAfterProbes: 3,
    membersMax: 5000,
    incarnationJumpMax: 1024,
    requestsPerSecondMax: 200,
  };
}

/** Across data centres: slower probes and more patience, since RTTs and loss are higher. */
export function wanConfig(name: string): MembershipConfig {
  return {
    ...lanConfig(name),
    probeIntervalMs: 5000,
    probeTimeoutMs: 3000,
    gossipIntervalMs: 500,
    gossipNodes: 4,
    gossipToTheDeadMs: 60_000,
    suspicionMult: 6,
    pushPullIntervalMs: 60_000,
    tcpTimeoutMs: 30_000,
    joinSyncDelaysMs: [5000, 15_000],
  };
}

/** One host or a tiny, fast network: quick timeouts, fewer retransmits and indirect checks. */
export function localConfig(name: string): MembershipConfig {
  return {
    ...lanConfig(name),
    probeTimeoutMs: 200,
    gossipIntervalMs: 100,
    gossipToTheDeadMs: 15_000,
    suspicionMult: 3,
    retransmitMult: 2,
    indirectChecks: 1,
    pushPullIntervalMs: 15_000,
    tcpTimeoutMs: 2000,
    joinSyncDelaysMs: [500, 2000],
  };
}
