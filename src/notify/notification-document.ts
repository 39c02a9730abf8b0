import type { Notification } from "./notification.ts";
import { templateVariables, type RenderedText, type TextContext } from "./notification-text.ts";

/**
 * The JSON document a webhook receives as its body and a script on stdin: every template
 * variable, `since` as RFC 3339, plus the rendered subject and text. `id` is the idempotency
 * key (also the X-Satellite-Event-Id header): a receiver that has seen it may ignore it.
 */
export function notificationDocument(n: Notification, context: TextContext, text: RenderedText): Record<string, unknown> {
  const { key, since, ...variables } = templateVariables(n, context);
  return { version: 1, id: key, ...variables, since: (since as Date).toISOString(), subject: text.subject, text: text.body };
}
