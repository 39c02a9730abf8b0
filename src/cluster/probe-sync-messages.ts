import type { ProbeStatus, Severity } from "../events/health-state.ts";

/**
 * Satellite's own messages between Satellite nodes, carried as memberlist user messages on the
 * gossip port (so the keyring encrypts them like everything else). Their first byte is one of
 * SATELLITE_MESSAGE_TYPE, a range serf's message types (0..9) never use. They are only ever
 * sent to members whose tags say they run Satellite: a plain serf agent would log every one of
 * them as a message of unknown type.
 */
export const SATELLITE_MESSAGE_TYPE = {
  /** UDP, owner to every Satellite member: what changed in the owner's probe list. */
  probeDelta: 0xd0,
  /** Stream request to the owner: its whole probe list and recent changes. */
  probeListRequest: 0xd1,
  probeListReply: 0xd2,
  /** Stream request to the owner: what does not travel by default. */
  nodeDetailsRequest: 0xd3,
  nodeDetailsReply: 0xd4,
} as const;

/** The first byte of every Satellite message is in this range; anything else is serf's. */
export function isSatelliteMessage(payload: Uint8Array): boolean {
  const first = payload[0];
  return first !== undefined && first >= 0xd0 && first <= 0xdf;
}

/**
 * What a node shares of its probes, and the limits a receiver enforces on everything that
 * arrives (docs/gossip.md, "Probe details over gossip"). A message over any limit is dropped
 * whole and counted.
 */
export const PROBE_SYNC_LIMITS = {
  /** Checks per node in the shared list. */
  checksMax: 64,
  /** Probes per node in the shared list, all checks together (a check may report several). */
  probesMax: 64,
  /** error + detail + code + checker_data of one shared probe; the rest is in the details. */
  probeTextBytesMax: 512,
  /** A check name, as the health digest bounds it. */
  checkNameBytesMax: 128,
  /** A probe's `code`. */
  codeBytesMax: 64,
  /** Changes kept by the owner and carried in one message. */
  transitionsMax: 32,
  /** The error text of a ProbeFailed carried to other nodes. */
  transitionErrorBytesMax: 256,
  /** UDP packets one delta may be split into; more and it is announced for a pull instead. */
  deltaPartsMax: 8,
  /** Largest stream message (a list or details reply): one node's piece, far below the stream cap. */
  pieceBytesMax: 64 * 1024,
  /** Node names, as memberlist bounds them. */
  nodeNameBytesMax: 512,
  /** Per-peer measurements in a details reply. */
  detailPeersMax: 256,
  /** Numeric samples in a details reply. */
  detailMetricsMax: 256,
  /** A metric name in a details reply. */
  metricNameBytesMax: 128,
} as const;

/** One probe as it travels: the check's name is its entry's. */
export interface SharedProbe {
  status: ProbeStatus;
  /** Only `warning` travels; absent means critical. */
  severity?: "warning";
  error?: string;
  detail?: string;
  code?: string;
  /** base64 of the checker's JSON, only when it fits within the probe's text bound. */
  checkerData?: string;
}

/** One check of the owner's list: its probes, where it sits in the owner's list, and when it last changed. */
export interface SharedCheck {
  name: string;
  /** Position in the owner's list (its configuration order), for display. */
  position: number;
  /** The owner's change counter when this entry last changed. */
  seq: number;
  probes: SharedProbe[];
}

/** A ProbeFailed / ProbeSucceeded of the owner, identified by (owner, epoch, seq). */
export interface SharedTransition {
  seq: number;
  /** The owner's wall clock at the change, Unix ms (fractional as the owner stamped it). */
  tsMs: number;
  probe: string;
  /** true: ProbeFailed (running -> failed); false: ProbeSucceeded (failed -> running). */
  failed: boolean;
  severity: Severity;
  error?: string;
}

/**
 * The changes of the owner's list in (base, seq]. `parts` > 1: the changes were split over
 * that many packets, each carrying some of them; 0: too many to send, pull instead.
 */
export interface ProbeDeltaMessage {
  type: "probeDelta";
  owner: string;
  /** The owner process's start time (Unix ms): a restarted owner counts from 1 again. */
  epoch: number;
  base: number;
  seq: number;
  /** Hash of the owner's whole list after this delta (see hashSharedChecks). */
  hash: number;
  part: number;
  parts: number;
  checks: SharedCheck[];
  transitions: SharedTransition[];
}

/** "Send me what I miss": the requester's position in the owner's list. */
export interface ProbeListRequest {
  type: "probeListRequest";
  owner: string;
  /** The epoch the requester knows, 0 for none. */
  epoch: number;
  /** Everything up to this seq of that epoch is known. */
  covered: number;
  /** Hash of the requester's copy; an equal hash gets no checks back. */
  hash: number;
}

export interface ProbeListReply {
  type: "probeListReply";
  owner: string;
  epoch: number;
  seq: number;
  hash: number;
  /** The whole list; absent when the requester's copy is already equal. */
  checks?: SharedCheck[];
  /** The owner's recent changes after the requester's `covered` (all of them for another epoch). */
  transitions: SharedTransition[];
}

export interface NodeDetailsRequest {
  type: "nodeDetailsRequest";
  owner: string;
}

/** A probe in full (checker_data included), as the owner shows it in /local. */
export interface DetailedProbe extends SharedProbe {
  checker: string;
  severity?: "warning";
}

/** What the owner measures toward one peer. */
export interface PeerDetail {
  name: string;
  rttSamples: number;
  p50RttMs?: number;
  p95RttMs?: number;
  lossPercent?: number;
  clockOffsetMs?: number;
}

/** The latest numeric value a check reported (perfdata, collector values, timings). */
export interface MetricDetail {
  probe: string;
  name: string;
  value: number;
}

export interface NodeDetailsReply {
  type: "nodeDetailsReply";
  owner: string;
  probes: DetailedProbe[];
  peers: PeerDetail[];
  metrics: MetricDetail[];
}

export type SatelliteMessage = ProbeDeltaMessage | ProbeListRequest | ProbeListReply | NodeDetailsRequest | NodeDetailsReply;
