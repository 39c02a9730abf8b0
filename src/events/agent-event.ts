import { assertNever } from "../platform/assert-never.ts";

/**
 * Everything that happens in an agent, as one typed union. Type names are user-facing: they
 * appear in `/events`, `satellite watch`, notifier filters and event handlers (docs/events.md).
 * This folder defines its own payload shapes so it depends on nothing but the platform.
 */

/** The groups filters use. */
export const EVENT_KINDS = ["probe", "node", "cluster", "user", "agent"] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

export type EventSeverity = "critical" | "warning";

/** One outcome of a probe run, as the checker reported it. */
export interface ProbeOutcomeFact {
  status: "running" | "failed";
  severity?: EventSeverity;
  error?: string;
  detail?: string;
  code?: string;
  /** Numeric measurements (perfdata, collector values). */
  metrics?: Record<string, number>;
}

/** A check ran on this node (every run, changed or not). */
export interface ProbeRunEvent {
  type: "ProbeRun";
  node: string;
  probe: string;
  /** The check kind (`docker`, `disk-space`, ...). */
  checkKind: string;
  /** Wall-clock start, Unix ms. */
  startedAtMs: number;
  durationMs: number;
  /** How late the run started relative to when it was due. */
  lagMs: number;
  /** `failed` when any outcome failed (before flap damping). */
  status: "running" | "failed";
  severity: EventSeverity;
  /** Set when the run timed out or threw instead of returning outcomes. */
  error?: string;
  outcomes: ProbeOutcomeFact[];
}

/** A check's shown state changed after flap damping. */
export interface ProbeStateEvent {
  type: "ProbeFailed" | "ProbeSucceeded";
  node: string;
  probe: string;
  oldState: "running" | "failed";
  newState: "running" | "failed";
  severity: EventSeverity;
  /** The first failing outcome's error (ProbeFailed). */
  error?: string;
}

/** Membership: a member appeared, changed its tags, failed, left, or was removed from the view. */
export interface NodeMemberEvent {
  type: "NodeAdded" | "NodeUpdated" | "NodeFailed" | "NodeLeft" | "NodeRemoved";
  node: string;
  /** Gossip address `ip:port`, when known. */
  addr?: string;
  oldState?: string;
  newState?: string;
}

/** A node's health as this node sees it (its own from its probes, others' from their digest). */
export interface NodeHealthEvent {
  type: "NodeDegraded" | "NodeHealthy";
  node: string;
  /** Absent when the node was first seen already degraded. */
  oldState?: string;
  newState: string;
}

/** The whole cluster's verdict changed. */
export interface ClusterStatusEvent {
  type: "ClusterDegraded" | "ClusterHealthy";
  oldState: string;
  newState: string;
}

/** A serf user event (`serf event NAME PAYLOAD`, or Satellite's own). */
export interface UserEventFact {
  type: "UserEvent";
  name: string;
  /** UTF-8 text when the payload is valid UTF-8, base64 otherwise (see `payloadEncoding`). */
  payload: string;
  payloadEncoding: "utf8" | "base64";
  /** serf's Lamport time of the event. */
  ltime: number;
  coalesce: boolean;
}

/** The history store could not write (disk full, read-only, locked). */
export interface StoreWriteFailedEvent {
  type: "StoreWriteFailed";
  store: string;
  /** What failed and what to do. */
  error: string;
}

/** What a notification was about: one alert changing state (docs/notifications.md). */
export interface NotificationFacts {
  /** The notifier's configured name. */
  notifier: string;
  /** `alertmanager`, `webhook`, `email` or `script`. */
  notifierKind: string;
  /** The idempotency key: the same on every node for the same change of the same alert. */
  key: string;
  /** The change: ProbeFailed, ProbeSucceeded, NodeFailed, NodeDegraded, NodeHealthy, NodeLeft, ClusterDegraded, ClusterHealthy. */
  about: string;
  /** The node the alert is about (absent for the cluster's). */
  subjectNode?: string;
  /** The check the alert is about (probe alerts). */
  checker?: string;
  /** Delivery attempts so far, this one included. */
  attempts: number;
}

/** This node, the notifier's sender, delivered a notification. */
export interface NotificationSentEvent extends NotificationFacts {
  type: "NotificationSent";
}

/** A delivery attempt failed: it is retried with backoff unless `final` (given up: dropped from the outbox). */
export interface NotificationFailedEvent extends NotificationFacts {
  type: "NotificationFailed";
  /** What went wrong and what to do (never a secret). */
  error: string;
  final: boolean;
  /** When not final: the wait before the next attempt. */
  retryInMs?: number;
}

/** This node's detected tags changed (detectors, docs/detectors.md); the static tags are not in it. */
export interface TagsChangedEvent {
  type: "TagsChanged";
  node: string;
  /** Every detected tag now. */
  tags: Record<string, string>;
  /** Tags set or given another value by this change. */
  set: Record<string, string>;
  /** Keys of tags no detector sets any more. */
  removed: string[];
}

/** What a maintenance window mutes (docs/maintenance.md): a node, a check of one node, or a check everywhere. */
export interface MaintenanceFacts {
  /** 16 hex characters: `satellite maintenance end ID` takes it. */
  id: string;
  /** The muted node, or the node whose check is muted. */
  node?: string;
  /** The muted check; without `node`, on every node. */
  check?: string;
  /** The node that started the window. */
  author: string;
  /** When the window ends by itself, Unix ms. */
  untilMs: number;
  reason: string;
}

/** A maintenance window became active on this node (started here or learnt over gossip). */
export interface MaintenanceStartedEvent extends MaintenanceFacts {
  type: "MaintenanceStarted";
}

/** A maintenance window is over: its time passed (`expired`) or someone ended it (`ended`, by `by`). */
export interface MaintenanceEndedEvent extends MaintenanceFacts {
  type: "MaintenanceEnded";
  endedBy: "expired" | "ended";
  /** The node that ended it (`ended`). */
  by?: string;
}

/** This node answered a remote exec request (docs/exec.md): it ran the command, refused it, or could not run it. */
export interface ExecRanEvent {
  type: "ExecRan";
  node: string;
  /** The request's id (32 hex characters). */
  requestId: string;
  /** The agent that sent the request and its API caller, as signed; prefixed "unverified:" when the signature did not verify. */
  requester: string;
  /** The command as requested (bounded by the request codec). */
  argv: string[];
  outcome: "ran" | "refused" | "failed";
  /** ran: the exit code, null when ended by a signal. */
  exitCode?: number | null;
  /** ran: the node's timeout killed its process tree. */
  timedOut?: boolean;
  /** The allowlist pattern that allowed it. */
  allowedBy?: string;
  /** refused or failed: why. */
  reason?: string;
  durationMs: number;
}

/** This node answered a key query (serf keys / satellite keys): its gossip keyring changed, or the change was refused or failed. Never carries a key. */
export interface KeyringChangedEvent {
  type: "KeyringChanged";
  node: string;
  op: "install" | "use" | "remove";
  /** The member that sent the key query. */
  requester: string;
  /** changed: done (and the keyring file rewritten); refused: not allowed (no keyring, the primary key, an unknown key); failed: the keyring file could not be written. */
  outcome: "changed" | "refused" | "failed";
  reason?: string;
  /** Keys in the keyring afterwards. */
  keys: number;
}

/** A key of the key-value store changed as this node learnt it: written here, or replicated here (docs/kv.md). */
export interface KvChangedEvent {
  type: "KvChanged";
  key: string;
  op: "put" | "delete";
  /** The version the change created (`<ms>.<counter>.<node>` on the replicated store, etcd's revision). */
  version: string;
  backend: "replicated" | "etcd";
}

/** What a producer publishes; the stream adds `seq`, `kind` and (unless given) `ts`. */
export type AgentEventInput = (
  | ProbeRunEvent
  | ProbeStateEvent
  | NodeMemberEvent
  | NodeHealthEvent
  | ClusterStatusEvent
  | UserEventFact
  | StoreWriteFailedEvent
  | NotificationSentEvent
  | NotificationFailedEvent
  | TagsChangedEvent
  | ExecRanEvent
  | KeyringChangedEvent
  | KvChangedEvent
  | MaintenanceStartedEvent
  | MaintenanceEndedEvent
) & { ts?: number };

export type AgentEventType = AgentEventInput["type"];

/** The envelope every subscriber sees. */
export interface EventEnvelope {
  /** Increases by one per event in this agent process, from 1; resume after a given one. */
  seq: number;
  /** When it happened, Unix ms. */
  ts: number;
  kind: EventKind;
}

type Stamped<E> = E extends unknown ? Omit<E, "ts"> & EventEnvelope : never;
export type AgentEvent = Stamped<AgentEventInput>;

/** The kind of each type; a `Record` over the union, so a new type without a kind does not compile. */
export const EVENT_KIND_OF: Readonly<Record<AgentEventType, EventKind>> = {
  ProbeRun: "probe",
  ProbeFailed: "probe",
  ProbeSucceeded: "probe",
  NodeAdded: "node",
  NodeUpdated: "node",
  NodeFailed: "node",
  NodeLeft: "node",
  NodeRemoved: "node",
  NodeDegraded: "node",
  NodeHealthy: "node",
  TagsChanged: "node",
  ClusterDegraded: "cluster",
  ClusterHealthy: "cluster",
  MaintenanceStarted: "cluster",
  MaintenanceEnded: "cluster",
  UserEvent: "user",
  StoreWriteFailed: "agent",
  NotificationSent: "agent",
  NotificationFailed: "agent",
  ExecRan: "agent",
  KeyringChanged: "agent",
  KvChanged: "agent",
};

export const EVENT_TYPES = Object.keys(EVENT_KIND_OF) as AgentEventType[];

export function isEventType(text: string): text is AgentEventType {
  return Object.hasOwn(EVENT_KIND_OF, text);
}

export function isEventKind(text: string): text is EventKind {
  return (EVENT_KINDS as readonly string[]).includes(text);
}

/** The node an event is about, if any (filters by node tag use it). */
export function eventNode(event: AgentEvent): string | undefined {
  switch (event.type) {
    case "ProbeRun":
    case "ProbeFailed":
    case "ProbeSucceeded":
    case "NodeAdded":
    case "NodeUpdated":
    case "NodeFailed":
    case "NodeLeft":
    case "NodeRemoved":
    case "NodeDegraded":
    case "NodeHealthy":
    case "TagsChanged":
    case "ExecRan":
    case "KeyringChanged":
      return event.node;
    case "MaintenanceStarted":
    case "MaintenanceEnded":
      return event.node;
    case "ClusterDegraded":
    case "ClusterHealthy":
    case "UserEvent":
    case "KvChanged":
    case "StoreWriteFailed":
    case "NotificationSent":
    case "NotificationFailed":
      return undefined;
    default:
      return assertNever(event, "event");
  }
}
