import { createHmac } from "node:crypto";
import type { HttpFetch } from "../platform/http-fetch.ts";
import { displayUrl, expectAccepted, type NotificationSender } from "./notification-sender.ts";

export interface WebhookOptions {
  url: string;
  /** When set, the body is signed: `X-Satellite-Signature: sha256=<hex HMAC-SHA256 of the body>`. */
  secret?: string;
  userAgent: string;
  httpFetch: HttpFetch;
}

/** The signature header's value for `body` (what a receiver recomputes to check it). */
export function webhookSignature(secret: string, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}

/** POSTs the notification's JSON document; `X-Satellite-Event-Id` carries the idempotency key. */
export function createWebhookSender(options: WebhookOptions): NotificationSender {
  const where = displayUrl(options.url);
  return {
    async deliver(item, signal) {
      const body = JSON.stringify(item.document);
      const headers: Record<string, string> = {
        "content-type": "application/json",
        "user-agent": options.userAgent,
        "x-satellite-event-id": item.notification.key,
      };
      if (options.secret !== undefined) headers["x-satellite-signature"] = webhookSignature(options.secret, body);
      const response = await options.httpFetch({ url: options.url, method: "POST", headers, body, signal });
      await expectAccepted(response, `webhook ${where}`);
    },
  };
}
