import type { MembershipConfig } from "../membership/config.ts";

/** The serf layer's settings; `membership` is the memberlist part (start from a preset). */
export interface SerfConfig {
  membership: MembershipConfig;
  /** Our tags, gossiped in the node meta (0xFF + msgpack map, at most 512 bytes). */
  tags: Record<string, string>;
  /** How often a random failed member is retried with a push/pull join, so partitions heal. */
  reconnectIntervalMs: number;
  /** Failed members are forgotten (member-reap) after this. */
  reconnectTimeoutMs: number;
  /** Left members are forgotten after this. */
  tombstoneTimeoutMs: number;
  /** How often the reaper runs. */
  reapIntervalMs: number;
  /** Slots of the user-event dedup buffer (serf: 512). */
  eventBufferSize: number;
  /** Encoded user event size limit; larger events are refused (serf: 512 bytes). */
  userEventSizeLimitBytes: number;
  /** Longest wait for the leave intent and the memberlist leave to go out. */
  broadcastTimeoutMs: number;
  /** Extra wait after the leave, so the last retransmits land before shutdown. */
  leavePropagateDelayMs: number;
  /** Intents about members we have not met yet are kept this long. */
  recentIntentTimeoutMs: number;
  /** Bound of each serf broadcast queue (oldest, most-sent dropped first). */
  queueDepthMax: number;
  /** Coalesces member changes into one snapshot save: a join burst changes members for tens of seconds. */
  snapshotSaveDelayMs: number;
  /** After a graceful leave the snapshot is cleared unless this is set. */
  rejoinAfterLeave: boolean;
  /** On join, ignore user events that happened before we joined (serf's default, no -replay). */
  ignoreOldEventsOnJoin: boolean;
}

export function defaultSerfConfig(membership: MembershipConfig, tags: Record<string, string> = {}): SerfConfig {
  return {
    membership,
    tags,
    reconnectIntervalMs: 30_000,
    reconnectTimeoutMs: 24 * 3600_000,
    tombstoneTimeoutMs: 24 * 3600_000,
    reapIntervalMs: 15_000,
    eventBufferSize: 512,
    userEventSizeLimitBytes: 512,
    broadcastTimeoutMs: 5000,
    leavePropagateDelayMs: 1000,
    recentIntentTimeoutMs: 5 * 60_000,
    queueDepthMax: 4096,
    snapshotSaveDelayMs: 5000,
    rejoinAfterLeave: false,
    ignoreOldEventsOnJoin: true,
  };
}
