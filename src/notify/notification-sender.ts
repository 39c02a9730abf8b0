import type { Notification } from "./notification.ts";
import type { RenderedText } from "./notification-text.ts";

/** A notification ready to deliver: the outbox entry and its rendered texts. */
export interface OutgoingNotification {
  notification: Notification;
  text: RenderedText;
  /** The JSON document of notification-document.ts. */
  document: Record<string, unknown>;
}

/**
 * Delivers to one receiver. `deliver` resolves only when the receiver accepted the notification
 * and rejects saying what failed (never with a secret); the caller retries with backoff.
 */
export interface NotificationSender {
  deliver(item: OutgoingNotification, signal: AbortSignal): Promise<void>;
  /**
   * Alertmanager forgets alerts that are not re-sent: called about once a minute on the sender
   * with every alert that still fires. Other kinds have no such need.
   */
  refresh?(firing: readonly OutgoingNotification[], signal: AbortSignal): Promise<void>;
}

/** An HTTP receiver's URL for messages: credentials in it are masked. */
export function displayUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.username || u.password) {
      u.username = u.username ? "***" : "";
      u.password = u.password ? "***" : "";
    }
    return u.toString();
  } catch {
    return "(invalid URL)";
  }
}

/** Rejects unless the response is 2xx, quoting a bounded part of the body. */
export async function expectAccepted(response: Response, what: string): Promise<void> {
  if (response.status >= 200 && response.status < 300) {
    await response.body?.cancel().catch(() => undefined);
    return;
  }
  const body = (await response.text().catch(() => "")).slice(0, 200).replace(/\s+/g, " ").trim();
  throw new Error(`${what} answered HTTP ${response.status}${body ? `: ${body}` : ""}`);
}
