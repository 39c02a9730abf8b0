import { join } from "node:path";
import type { NotifierConfig } from "../config/notifiers-schema.ts";
import { parseDurationMs } from "../config/duration.ts";
import { decodeDigestTags } from "../cluster/health-digest.ts";
import type { EventStream } from "../events/event-stream.ts";
import { assertNever } from "../platform/assert-never.ts";
import type { Clock, Timer } from "../platform/clock.ts";
import { describeError } from "../platform/errors.ts";
import type { Logger } from "../platform/logger.ts";
import type { Random } from "../platform/random.ts";
import { ACK_EVENT_NAME, decodeAcknowledgment, encodeAcknowledgments, type AckEntry } from "./acknowledgment.ts";
import { probeSubject, type ObservedAlert } from "./alert-state.ts";
import { buildSender } from "./build-sender.ts";
import type { ClusterSnapshot, ElectionMember } from "./cluster-snapshot.ts";
import { notifierId, settingsHash } from "./notification-keys.ts";
import { NotificationText } from "./notification-text.ts";
import { NotifierEngine, type NotifierEngineStats } from "./notifier-engine.ts";
import { changeFilter } from "./notifier-filter.ts";
import { advertisedName } from "./notifier-tag.ts";
import type { NotifyPlatform } from "./notify-platform.ts";
import { observeAlerts } from "./observe-alerts.ts";
import { Outbox } from "./outbox.ts";
import { electSender, type Election } from "./sender-election.ts";

/** How often the sender election, reminders and retries are looked at. */
const TICK_MS = 1000;
/** Errors of remote checks remembered for texts (from their ProbeFailed events). */
const KNOWN_ERRORS_MAX = 1000;
/** Acknowledged states a sender re-announces when a member starts or comes back. */
const SYNC_ENTRIES_MAX = 120;

export interface NotifyServiceDeps {
  notifiers: readonly NotifierConfig[];
  clusterName?: string;
  localName: string;
  stateDir: string;
  clock: Clock;
  random: Random;
  logger: Logger;
  events: EventStream;
  platform: NotifyPlatform;
  /** The cluster as this node's view shows it now. */
  snapshot: () => ClusterSnapshot;
  /** Every member with its raw gossip tags (the digest and the notifier tag are read from them). */
  members: () => ElectionMember[];
  /** Sends a serf user event to the whole cluster. */
  broadcast: (name: string, payload: Uint8Array) => void;
}

export interface NotifierStatus extends NotifierEngineStats {
  name: string;
  kind: string;
  election: Election;
  settings: string;
}

/** Shaped like the API's readiness lines; never failing (a receiver outage must not make nodes unready). */
export interface NotifierReadiness {
  name: string;
  ok: true;
  message?: string;
}

export interface NotifyService {
  status(): NotifierStatus[];
  readiness(): NotifierReadiness[];
  stop(): Promise<void>;
}

interface Running {
  config: NotifierConfig;
  id: string;
  advertised: string;
  settings: string;
  engine: NotifierEngine;
  election: Election;
}

/**
 * The notifiers of this agent: observes the alerts from the cluster view after every change
 * and once a second, elects each notifier's sender from gossip, and routes acknowledgments
 * between the nodes (docs/notifications.md). Throws at start, naming the notifier, when a
 * secret or template cannot be used.
 */
export function startNotifyService(deps: NotifyServiceDeps): NotifyService {
  const { clock, logger } = deps;
  const running: Running[] = deps.notifiers.map((config) => {
    const id = notifierId(config.name);
    const outbox = new Outbox(join(deps.stateDir, `notify-${id}.json`), config.name, deps.platform.stateFiles, logger);
    outbox.load();
    const timeoutMs = parseDurationMs(config.timeout) ?? 10_000;
    const engine = new NotifierEngine({
      config,
      quietPeriodMs: parseDurationMs(config.quietPeriod) ?? 10_000,
      repeatIntervalMs: parseDurationMs(config.repeatInterval) ?? 4 * 3_600_000,
      timeoutMs,
      localName: deps.localName,
      clusterName: deps.clusterName,
      clock,
      random: deps.random,
      logger,
      outbox,
      sender: buildSender(config, deps.platform, { clusterName: deps.clusterName, nowMs: () => clock.nowMs(), timeoutMs }),
      text: new NotificationText(config),
      accepts: changeFilter(config),
      publish: (event) => deps.events.publish(event),
      acknowledge: (entries) => broadcastAcks(id, entries),
    });
    if (outbox.queue.length > 0) logger.info("notifications waiting from the last run", { notifier: config.name, waiting: outbox.queue.length });
    return { config, id, advertised: advertisedName(config.name), settings: settingsHash(config), engine, election: { candidates: [], mismatched: [] } };
  });
  const byId = new Map(running.map((r) => [r.id, r]));

  const broadcastAcks = (id: string, entries: readonly AckEntry[]): void => {
    for (const payload of encodeAcknowledgments(id, entries)) {
      try {
        deps.broadcast(ACK_EVENT_NAME, new TextEncoder().encode(payload));
      } catch (error) {
        logger.warn("cannot gossip a notification acknowledgment; a node taking over may send it again (same key)", { error: describeError(error) });
      }
    }
  };

  let observed = new Map<string, ObservedAlert>();
  const knownErrors = new Map<string, string>();
  let pending: Timer | undefined;
  let stopped = false;

  const look = (): void => {
    pending = undefined;
    if (stopped) return;
    const members = deps.members();
    const self = members.find((m) => m.name === deps.localName);
    const selfDigest = self ? decodeDigestTags(self.tags) : undefined;
    // Until this node reported its own status it observes nothing and sends nothing: start-up states never notify.
    const warm = selfDigest !== undefined && selfDigest.status !== "unknown";
    for (const r of running) {
      const before = new Set(r.election.candidates);
      r.election = electSender(members, r.advertised, r.settings);
      const sending = warm && r.election.sender === deps.localName;
      r.engine.setSending(sending);
      // A member that starts (or comes back) learns what was acknowledged while it was away.
      if (sending && r.election.candidates.some((c) => c !== deps.localName && !before.has(c))) broadcastAcks(r.id, r.engine.acknowledgedStates(SYNC_ENTRIES_MAX));
    }
    if (!warm) return;
    const next = observeAlerts(deps.snapshot(), observed, clock.nowMs(), knownErrors);
    const changed = next.size !== observed.size || [...next].some(([subject, alert]) => observed.get(subject)?.state !== alert.state);
    observed = next;
    for (const r of running) r.engine.observe(observed, changed);
  };
  const lookSoon = (): void => {
    if (!stopped) pending ??= clock.setTimer(0, look);
  };

  const unsubscribe = deps.events.subscribe("notifiers", (event) => {
    switch (event.type) {
      case "ProbeFailed":
        if (event.error !== undefined) {
          knownErrors.delete(probeSubject(event.node, event.probe));
          knownErrors.set(probeSubject(event.node, event.probe), event.error);
          if (knownErrors.size > KNOWN_ERRORS_MAX) knownErrors.delete(knownErrors.keys().next().value as string);
        }
        lookSoon();
        return;
      case "ProbeSucceeded":
      case "NodeAdded":
      case "NodeUpdated":
      case "NodeFailed":
      case "NodeLeft":
      case "NodeRemoved":
      case "NodeDegraded":
      case "NodeHealthy":
      case "ClusterDegraded":
      case "ClusterHealthy":
      case "MaintenanceStarted":
      case "MaintenanceEnded":
        lookSoon();
        return;
      case "UserEvent": {
        if (event.name !== ACK_EVENT_NAME || event.payloadEncoding !== "utf8") return;
        const ack = decodeAcknowledgment(event.payload);
        if (ack) byId.get(ack.notifierId)?.engine.learn(ack.entries);
        return;
      }
      case "ProbeRun":
      case "StoreWriteFailed":
      case "NotificationSent":
      case "NotificationFailed":
      case "TagsChanged":
      case "ExecRan":
      case "KeyringChanged":
      case "KvChanged":
        return;
      default:
        assertNever(event, "event");
    }
  });

  let tick = clock.setTimer(TICK_MS, function onTick() {
    look();
    for (const r of running) r.engine.tick();
    tick = clock.setTimer(TICK_MS, onTick);
  });
  lookSoon();

  const status = (): NotifierStatus[] => running.map((r) => ({ name: r.config.name, kind: r.config.kind, election: r.election, settings: r.settings, ...r.engine.stats() }));
  return {
    status,
    readiness: () => status().map((s) => ({ name: `notifier ${s.name}`, ok: true, message: readinessMessage(s, deps.localName, clock.nowMs()) })),
    async stop() {
      stopped = true;
      unsubscribe();
      tick.cancel();
      pending?.cancel();
      for (const r of running) r.engine.stop();
    },
  };
}

/** The warning a notifier's readiness line carries; undefined when all is well. */
export function readinessMessage(s: NotifierStatus, localName: string, nowMs: number): string | undefined {
  const parts: string[] = [];
  if (s.election.sender === undefined) parts.push("no node sends for it yet: no member advertising it has reported a status");
  if (s.queued > 0 && s.lastError !== undefined) {
    const ago = s.lastErrorAtMs === undefined ? "" : ` ${Math.max(0, Math.round((nowMs - s.lastErrorAtMs) / 1000))} s ago`;
    parts.push(`${s.queued} notification(s) waiting; last attempt failed${ago}: ${s.lastError}; retrying with backoff`);
  } else if (s.lastError !== undefined && s.lastErrorAtMs !== undefined && nowMs - s.lastErrorAtMs < 3_600_000) {
    parts.push(`last failure: ${s.lastError}`);
  }
  if (s.election.mismatched.length > 0) {
    const others = s.election.mismatched.map((m) => `${m.node} (${m.settings})`).join(", ");
    parts.push(`settings differ on ${others} from ${localName}'s (${s.settings}): configure the notifier alike on every node that has it`);
  }
  return parts.length > 0 ? parts.join("; ") : undefined;
}
