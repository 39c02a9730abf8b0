import type { NetAddress } from "../membership/gossip-net.ts";
import type { Membership, MembershipHealth } from "../membership/membership.ts";
import type { SerfEvent } from "./serf-core.ts";
import type { SerfIntentRejections, SerfMember } from "./serf-members.ts";
import type { SerfQueryDrops } from "./serf-queries.ts";
import type { SerfQuerying } from "./serf-query-api.ts";

// The serf layer as the rest of Satellite uses it: its interface and health; createSerf (serf.ts) builds it.

export interface SerfHealth extends MembershipHealth {
  members: Record<SerfMember["status"], number>;
  intentsQueued: number;
  eventsQueued: number;
  decodeErrors: number;
  /** serf intents and user events dropped before they were applied (implausible LTime, bad name). */
  intentsRejected: SerfIntentRejections;
  queriesQueued: number;
  /** Received queries, responses and relays not acted on, by reason. */
  queriesDropped: SerfQueryDrops;
}

/** serf's library surface; its queries are `SerfQuerying` (serf-query-api.ts). */
export interface Serf extends SerfQuerying {
  /** Starts gossip and rejoins the peers of the last snapshot; resolves with how many answered. */
  start(): Promise<number>;
  /** Joins through `addrs` (push/pull with each); resolves with how many answered, rejects if none. */
  join(addrs: readonly NetAddress[], ignoreOldEvents?: boolean): Promise<number>;
  /** Graceful leave: leave intent, then memberlist's leave; peers see "left", never "failed". */
  leave(): Promise<void>;
  /**
   * serf's force-leave (RemoveFailedNode): gossips a leave intent about another member, so a
   * failed one becomes left on every node and is no longer retried; `prune` also forgets it
   * at once instead of after the tombstone timeout. A live member refutes it and stays.
   * Resolves once the intent went out to the cluster (or the broadcast timeout passed).
   */
  forceLeave(node: string, prune: boolean): Promise<void>;
  /** Stops everything and closes the net (after leave(), or instead of it for a crash-like stop). */
  shutdown(): Promise<void>;
  members(): SerfMember[];
  /** One member by name, without listing the others (asked on every ack). */
  member(name: string): SerfMember | undefined;
  localMember(): SerfMember;
  /** Gossips a user event to every member; throws when it exceeds the size limit. */
  userEvent(name: string, payload: Uint8Array, coalesce?: boolean): void;
  /** Subscribes to member and user events; returns the unsubscribe function. */
  onEvent(listener: (event: SerfEvent) => void): () => void;
  /** Replaces our tags and gossips them; resolves once the update went out (or timed out). */
  setTags(tags: Record<string, string>): Promise<void>;
  health(): SerfHealth;
  readonly membership: Membership;
}
