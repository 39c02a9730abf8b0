import type { ReadinessCheck } from "../api/api-deps.ts";
import { clusterVerdict } from "../cluster/cluster-status.ts";
import type { ClusterMember } from "../cluster/cluster-member.ts";
import type { AgentConfig } from "../config/load.ts";
import { USER_TAG_BYTES_MAX, userTagBytes } from "../config/tag-limits.ts";
import type { EventStream } from "../events/event-stream.ts";
import type { Probe } from "../events/health-state.ts";
import type { SatelliteMetrics } from "../metrics/index.ts";
import { notifierTags } from "../notify/notifier-tag.ts";
import type { NotifyPlatform } from "../notify/notify-platform.ts";
import type { NotifyService } from "../notify/notify-service.ts";
import type { ClusterSnapshot } from "../notify/cluster-snapshot.ts";
import { SatelliteError } from "../platform/errors.ts";
import type { Exec } from "../platform/exec.ts";
import { bunHttpFetch } from "../platform/http-fetch.ts";
import { processPrivateTextFilesFor } from "../platform/private-text-files.ts";
import { readRegularTextFile } from "../platform/regular-file.ts";
import { nodemailerSendMail } from "../platform/smtp-mail.ts";
import type { AgentPlatform } from "./platform-deps.ts";

/** The real side effects of notifiers: Bun's fetch, nodemailer, the agent's exec, private state files. */
export function processNotifyPlatform(exec: Exec, env: Readonly<Record<string, string | undefined>>): NotifyPlatform {
  return {
    httpFetch: bunHttpFetch,
    sendMail: nodemailerSendMail,
    exec,
    stateFiles: processPrivateTextFilesFor("notification outbox"),
    readFile: readRegularTextFile,
    env,
  };
}

/** The agent's gossip tags for its notifiers; a config error when they do not fit beside the operator's tags. */
export function notifierGossipTags(config: Pick<AgentConfig, "notifiers" | "tags">): Record<string, string> {
  const tags = notifierTags(config.notifiers);
  const bytes = userTagBytes({ ...config.tags, ...tags });
  if (bytes > USER_TAG_BYTES_MAX) {
    throw new SatelliteError("NOTIFIERS_TAGS_TOO_LARGE", `the operator's tags and the ${config.notifiers.length} notifiers' gossip tag take ${bytes} bytes, more than the ${USER_TAG_BYTES_MAX} serf's node meta leaves for them`, {
      hint: "shorten or remove tags, or configure fewer notifiers",
    });
  }
  return tags;
}

export interface NotificationsDeps {
  config: AgentConfig;
  platform: AgentPlatform;
  events: EventStream;
  member: ClusterMember;
  /** This node's own probes after flap damping. */
  probes: () => Probe[];
  metrics: SatelliteMetrics;
}

/**
 * Starts the configured notifiers (none: nothing runs) and their metrics. The notifier code
 * and its template library are loaded only when a notifier is configured.
 */
export async function startNotifications(deps: NotificationsDeps): Promise<{ readiness(): ReadinessCheck[]; stop(): Promise<void> }> {
  const { config, platform, member } = deps;
  if (config.notifiers.length === 0) return { readiness: () => [], stop: async () => {} };
  const snapshot = (): ClusterSnapshot => {
    const facts = member.view.facts();
    return {
      localName: config.name,
      verdict: clusterVerdict(facts),
      nodes: facts.map((f) => {
        const local = f.name === config.name;
        const status = f.nodeStatus === "running" || f.nodeStatus === "degraded" ? f.nodeStatus : undefined;
        const listed = local
          ? deps.probes().filter((p) => p.status === "failed").map((p) => ({ checker: p.checker, severity: p.severity ?? "critical", error: p.error }))
          : f.digest && f.digest.status !== "unknown" ? f.digest.failing : undefined;
        // The view marks the checks a maintenance window mutes (only while one is active).
        const mutedChecks = new Set(f.failing?.filter((c) => c.muted).map((c) => c.checker));
        const failing = mutedChecks.size === 0 ? listed : listed?.map((c) => ({ ...c, muted: mutedChecks.has(c.checker) }));
        return { name: f.name, memberStatus: f.memberStatus, tags: f.tags, status, failing, muted: f.muted };
      }),
    };
  };
  const { startNotifyService } = await import("../notify/notify-service.ts");
  const service: NotifyService = startNotifyService({
    notifiers: config.notifiers,
    clusterName: config.clusterName,
    localName: config.name,
    stateDir: config.stateDir,
    clock: platform.clock,
    random: platform.random,
    logger: platform.logger.child({ part: "notify" }),
    events: deps.events,
    platform: platform.notify ?? processNotifyPlatform(platform.exec, platform.environment ?? {}),
    snapshot,
    members: () => member.members(),
    broadcast: (name, payload) => member.serf.userEvent(name, payload, false),
  });
  const reported = new Map<string, { sent: number; failedAttempts: number; dropped: number }>();
  deps.metrics.addCollector(() => {
    const m = deps.metrics;
    for (const s of service.status()) {
      const labels = { notifier: s.name };
      const last = reported.get(s.name) ?? { sent: 0, failedAttempts: 0, dropped: 0 };
      m.notificationsSent.inc(labels, s.sent - last.sent);
      m.notificationFailures.inc(labels, s.failedAttempts - last.failedAttempts);
      m.notificationsDropped.inc(labels, s.dropped - last.dropped);
      reported.set(s.name, { sent: s.sent, failedAttempts: s.failedAttempts, dropped: s.dropped });
      m.notificationsQueued.set(labels, s.queued);
      m.notifierSending.set(labels, s.sending ? 1 : 0);
    }
  });
  return { readiness: () => service.readiness(), stop: () => service.stop() };
}
