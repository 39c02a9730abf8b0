import type { EventStream } from "../events/event-stream.ts";
import { assertNever } from "../platform/assert-never.ts";
import type { Logger } from "../platform/logger.ts";

/**
 * One log line per state change, in the stable shapes operators grep for:
 * `state change type=ProbeFailed probe=... state=failed` for this node's own probes and status,
 * `cluster change type=NodeAdded node=... state=...` for what the cluster view saw, and
 * `cluster change type=ProbeFailed node=... probe=... state=failed` for another node's probes.
 * Membership lines (`member-join name=...`) come from the serf layer itself.
 */
export function logEvents(events: EventStream, localName: string, logger: Logger): () => void {
  return events.subscribe("log", (event) => {
    switch (event.type) {
      case "ProbeFailed":
      case "ProbeSucceeded":
        if (event.node === localName) logger.info("state change", { type: event.type, probe: event.probe, state: event.newState });
        else logger.info("cluster change", { type: event.type, node: event.node, probe: event.probe, state: event.newState });
        return;
      case "NodeDegraded":
      case "NodeHealthy":
        if (event.node === localName) logger.info("state change", { type: event.type, state: event.newState });
        else logger.info("cluster change", { type: event.type, node: event.node, state: event.newState });
        return;
      case "NodeAdded":
      case "NodeRemoved":
        logger.info("cluster change", { type: event.type, node: event.node, state: event.newState });
        return;
      case "ClusterDegraded":
      case "ClusterHealthy":
        logger.info("cluster change", { type: event.type, state: event.newState });
        return;
      case "UserEvent":
        // Satellite's own bookkeeping (acknowledgments, maintenance announced every minute) would drown the operators' events.
        (event.name.startsWith("satellite-") ? logger.debug : logger.info).call(logger, "user event", { name: event.name, ltime: event.ltime, bytes: event.payload.length });
        return;
      case "StoreWriteFailed":
        // The store logs its own failure with the cause and what to do.
        return;
      case "ExecRan": {
        const fields = { id: event.requestId, requester: event.requester, argv: event.argv.join(" "), outcome: event.outcome, exitCode: event.exitCode, timedOut: event.timedOut, allowedBy: event.allowedBy, reason: event.reason, durationMs: Math.round(event.durationMs) };
        if (event.outcome === "ran") logger.info("remote exec ran", fields);
        else logger.warn(`remote exec ${event.outcome}`, fields);
        return;
      }
      case "KeyringChanged": {
        const fields = { op: event.op, requester: event.requester, outcome: event.outcome, reason: event.reason, keys: event.keys };
        if (event.outcome === "changed") logger.info("gossip keyring changed", fields);
        else logger.warn(`gossip keyring change ${event.outcome}`, fields);
        return;
      }
      case "KvChanged":
        logger.debug("key-value change", { key: event.key, op: event.op, version: event.version });
        return;
      case "NotificationSent":
        logger.info("notification sent", { notifier: event.notifier, about: event.about, node: event.subjectNode, key: event.key, attempts: event.attempts });
        return;
      case "NotificationFailed":
        logger.warn(event.final ? "notification given up" : "notification failed; will retry", { notifier: event.notifier, about: event.about, key: event.key, attempts: event.attempts, retryInMs: event.retryInMs, error: event.error });
        return;
      case "TagsChanged":
        logger.info("detected tags changed", { tags: Object.entries(event.tags).map(([k, v]) => `${k}=${v}`).join(","), removed: event.removed.join(",") || undefined });
        return;
      case "MaintenanceStarted":
        logger.info("maintenance started", { id: event.id, node: event.node, check: event.check, author: event.author, until: new Date(event.untilMs).toISOString(), reason: event.reason });
        return;
      case "MaintenanceEnded":
        logger.info("maintenance ended", { id: event.id, node: event.node, check: event.check, endedBy: event.endedBy, by: event.by });
        return;
      case "ProbeRun":
      case "NodeUpdated":
      case "NodeFailed":
      case "NodeLeft":
        return;
      default:
        assertNever(event, "event");
    }
  });
}
