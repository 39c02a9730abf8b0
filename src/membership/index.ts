/** SWIM membership with Lifeguard, memberlist-compatible, on typed messages and a GossipNet. */
export { createMembership, type Membership, type MembershipDeps, type MembershipHealth } from "./membership.ts";
export type { MembershipConfig } from "./config.ts";
export { lanConfig, localConfig, wanConfig } from "./config-presets.ts";
export type { Delegate, EventDelegate, MembershipDelegates, PingDelegate } from "./delegates.ts";
export type { MemberNode, NodeStateName } from "./node.ts";
export type { UdpHealth } from "./udp-health.ts";
export { SimNetwork, type SimLinkProfile, type SimNetworkOptions } from "./sim-net.ts";
export { SimGossipNet } from "./sim-gossip-net.ts";
