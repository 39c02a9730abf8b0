import type { HttpFetch } from "../platform/http-fetch.ts";
import { alertChanges } from "./alert-names.ts";
import { displayUrl, expectAccepted, type NotificationSender, type OutgoingNotification } from "./notification-sender.ts";

export interface AlertmanagerOptions {
  /** The Alertmanager's base URL (http://alertmanager:9093). */
  url: string;
  clusterName?: string;
  userAgent: string;
  httpFetch: HttpFetch;
  nowMs: () => number;
}

/** Alertmanager resolves a firing alert this long after it was last posted unless posted again. */
export const ALERT_HOLD_MS = 5 * 60_000;
/** The sender re-posts firing alerts this often (Prometheus re-sends every minute too). */
export const ALERT_REFRESH_MS = 60_000;

/** One alert of Alertmanager's API v2 (`POST /api/v2/alerts`). */
export interface PostableAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
}

/**
 * The alerts one notification posts: the alert of the subject's new state fires (endsAt a hold
 * ahead, pushed on by every refresh), the one of its old state is resolved (endsAt now).
 * Alertmanager identifies an alert by its labels, so posting the same alert again, from this
 * node or another one after a take-over, is harmless.
 */
export function postableAlerts(item: OutgoingNotification, clusterName: string | undefined, nowMs: number): PostableAlert[] {
  const n = item.notification;
  const a = n.alert;
  return alertChanges(a, n.previousState).map(({ alertname, firing }) => {
    const labels: Record<string, string> = { alertname, severity: a.severity };
    if (a.node !== undefined) labels.node = a.node;
    if (a.checker !== undefined) labels.checker = a.checker;
    if (clusterName !== undefined) labels.cluster = clusterName;
    const annotations: Record<string, string> = { summary: item.text.subject, description: item.text.body, idempotency_key: n.key };
    if (firing && a.error !== undefined) annotations.error = a.error;
    return {
      labels,
      annotations,
      // Alertmanager refuses an alert that does not start before it ends, and keeps the earliest
      // start of an alert it knows: a resolution starts just before it ends.
      startsAt: new Date(firing ? Math.min(a.sinceMs, nowMs) : nowMs - 1000).toISOString(),
      endsAt: new Date(firing ? nowMs + ALERT_HOLD_MS : nowMs).toISOString(),
    };
  });
}

export function createAlertmanagerSender(options: AlertmanagerOptions): NotificationSender {
  const endpoint = `${options.url.replace(/\/+$/, "")}/api/v2/alerts`;
  const where = `Alertmanager ${displayUrl(endpoint)}`;
  const post = async (alerts: PostableAlert[], key: string | undefined, signal: AbortSignal): Promise<void> => {
    if (alerts.length === 0) return;
    const headers: Record<string, string> = { "content-type": "application/json", "user-agent": options.userAgent };
    if (key !== undefined) headers["x-satellite-event-id"] = key;
    const response = await options.httpFetch({ url: endpoint, method: "POST", headers, body: JSON.stringify(alerts), signal });
    await expectAccepted(response, where);
  };
  return {
    deliver: (item, signal) => post(postableAlerts(item, options.clusterName, options.nowMs()), item.notification.key, signal),
    refresh: (firing, signal) => {
      const now = options.nowMs();
      return post(
        firing.flatMap((item) => postableAlerts(item, options.clusterName, now).filter((alert) => Date.parse(alert.endsAt) > now)),
        undefined,
        signal,
      );
    },
  };
}
