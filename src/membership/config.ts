import type { VersionVector } from "./messages.ts";

/**
 * Tuning of the SWIM/Lifeguard state machine. Start from a preset in config-presets.ts
 * (lan, wan, local) and override single fields; every field trades something off.
 */
export interface MembershipConfig {
  /** Unique node name in the cluster; also the `from` of our suspect/dead messages. */
  name: string;

  /**
   * How often one peer is probed. Lower detects failures sooner at more packets per second;
   * the suspicion timeouts scale with it, so it is the main knob of detection time.
   */
  probeIntervalMs: number;

  /**
   * How long a direct ping waits for its ack before indirect pings start. Set it above the
   * 99th percentile RTT: too low and healthy peers need indirect probes (more traffic).
   */
  probeTimeoutMs: number;

  /**
   * Peers asked to ping a target when the direct ping fails. More checks rule out a bad
   * path between us and the target at the cost of packets; 0 disables indirect probes.
   */
  indirectChecks: number;

  /**
   * Period of the gossip round that sends queued broadcasts to `gossipNodes` random peers.
   * Lower spreads news faster and sends more (mostly empty-round-free) packets.
   */
  gossipIntervalMs: number;

  /** Peers per gossip round. More peers spread news faster, at proportionally more bytes. */
  gossipNodes: number;

  /**
   * How long a dead node still receives gossip (so it can hear it was declared dead and
   * refute), and how long dead nodes stay in the table before they are forgotten.
   */
  gossipToTheDeadMs: number;

  /**
   * Suspicion timeout multiplier: min timeout = mult x max(1, log10 n) x probeInterval.
   * Higher gives a slow or overloaded node more time to refute (fewer false failures) and
   * delays real failure detection; it also sets k = mult - 2 independent confirmations.
   */
  suspicionMult: number;

  /** max timeout = this x min; confirmations shrink the timeout from max toward min. */
  suspicionMaxTimeoutMult: number;

  /**
   * Each broadcast is sent retransmitMult x ceil(log10(n + 1)) times. Higher survives more
   * packet loss and larger bursts of news at the cost of bytes.
   */
  retransmitMult: number;

  /**
   * Full state exchange with one random peer over TCP. Heals what gossip missed; costs a
   * stream with the whole member list. Scaled up above 32 nodes.
   */
  pushPullIntervalMs: number;

  /** Timeout of a stream (push/pull, TCP ping). */
  tcpTimeoutMs: number;

  /**
   * Lifeguard: a probe waits up to the probe interval x (awareness + 1) for an answer before
   * it suspects (probes still start every interval), awareness in
   * [0, awarenessMaxMultiplier - 1]. Higher lets an overloaded node wait longer before it
   * accuses a peer of what may be its own slowness.
   */
  awarenessMaxMultiplier: number;

  /** Skip the TCP ping that runs beside indirect pings (it tells "UDP blocked" from "dead"). */
  disableTcpPings: boolean;

  /** Upper bound for node meta bytes (serf: 512). Larger meta from the delegate is refused. */
  metaMaxBytes: number;

  /** Version vector advertised in alive and push/pull messages (serf sends [1,5,2,2,5,5]). */
  vsn: VersionVector;

  /**
   * Broadcasts queued beyond this are dropped, most-transmitted first, so a storm of news
   * cannot grow memory without bound.
   */
  broadcastQueueMax: number;

  /**
   * After a successful join, extra push/pulls with random known members at these delays.
   * They repair what a burst of simultaneous joins made gossip miss, long before the
   * periodic push/pull. Empty disables.
   */
  joinSyncDelaysMs: number[];

  /**
   * On a graceful leave, push/pull with this many random alive peers besides gossiping the
   * leave. Gossip alone can spend all retransmits on recently dead peers; the state exchange
   * over TCP makes sure some live peer knows we left (and serf peers get the leave intent).
   */
  leaveSyncPeers: number;

  /**
   * Consecutive probes that only succeeded over TCP before `udpSeemsBlocked` is reported.
   * One TCP-only probe can be a single bad peer; several in a row mean our own UDP is broken.
   */
  udpBlockedAfterProbes: number;

  /**
   * Most nodes the member table holds, ourselves and dead ones included. A new node beyond it
   * takes the place of the longest-dead one, or is dropped and counted when every slot is
   * alive: forged members cannot grow memory, push/pull or /status without bound. Set it
   * above the largest cluster you run; push/pull streams are sized to carry this many.
   */
  membersMax: number;

  /**
   * How far ahead of the incarnation we know for a node a claim from the network may be
   * (an alive may be one more, as it answers an accusation). Honest nodes step by one, so
   * gossip never jumps far; a forged suspect/dead at the top of the u32 range would leave the
   * node unable to refute. Replies to push/pulls we start are not limited (a restarted node
   * and a peer back from a long partition catch up through them).
   */
  incarnationJumpMax: number;

  /**
   * Pings and indirect pings received over UDP that are answered per second, in all; more are
   * dropped unanswered and counted. Each answer is a packet (full of piggybacked gossip) to an
   * address the request names, so a flood of forged requests would otherwise spend the
   * agent's CPU on replies. Honest traffic is about one ping a second plus a few indirect
   * ones when a peer fails; a flood costs us at most this many replies.
   */
  requestsPerSecondMax: number;
}
