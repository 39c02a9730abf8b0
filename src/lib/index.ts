/**
 * Satellite as a library: the public, semantically versioned surface (docs/library.md).
 * Only what is exported here (and from `satellite/testing`, `satellite/deno`) is public; every
 * other module of the package is internal and may change in any release.
 */

// Start an agent from code, with your own checker kinds, history backends and notifiers.
export { startCustomAgent, mergeCheckerKinds, builtInCheckerKinds, type CustomAgentOptions } from "./custom-agent.ts";
export { agentConfigFrom, type AgentConfigInput } from "./agent-config.ts";
export { withHistoryBackends, type HistoryBackend, type HistoryBackendWriter } from "./history-backends.ts";
export { attachNotifiers, type EventNotifier } from "./event-notifier.ts";
export { startAgent, type RunningAgent, type AgentKinds } from "../agent/agent.ts";
export type { AgentPlatform, AgentHistoryStoreOptions, AgentGossipNetOptions } from "../agent/platform-deps.ts";
export type { AgentConfig } from "../config/load.ts";
export { ConfigError } from "../config/config-error.ts";

// The checker contract.
export type { CheckerKind, CheckRun, CheckContext, CheckerEnvironment, CheckerSettings, PeerLinkView } from "../probes/checker.ts";
export type { CheckOutcome } from "../probes/check-outcome.ts";

// History.
export type { HistoryStore, ProbeSample, TimelineEvent, StoreHealth } from "../store/history-store.ts";
export { createMemoryHistoryStore } from "../store/memory-history-store.ts";

// Events.
export type { AgentEvent } from "../events/agent-event.ts";
export type { EventStream } from "../events/event-stream.ts";
export { subscribeAsync, type AsyncSubscription } from "../events/async-subscriber.ts";

// The status rules.
export { clusterVerdict, type NodeFacts, type ClusterVerdict } from "../cluster/cluster-status.ts";
export { nodeStatusOf } from "../probes/node-status.ts";

// The membership layer alone.
export { startGossipMember, type GossipMemberOptions } from "./gossip-member.ts";
export type { Serf } from "../cluster/serf.ts";
export type { SerfEvent } from "../cluster/serf-core.ts";
export type { SerfMember } from "../cluster/serf-members.ts";
export { lanConfig, wanConfig, localConfig, type MembershipConfig } from "../membership/index.ts";
export { parseKeyBase64, createKeyring, type Keyring } from "../membership/wire/index.ts";

// Side effects you may provide.
export type { Clock } from "../platform/clock.ts";
export type { Logger } from "../platform/logger.ts";
export { SatelliteError } from "../platform/errors.ts";
