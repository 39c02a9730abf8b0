import type { SendMail } from "../platform/smtp-mail.ts";
import type { NotificationSender } from "./notification-sender.ts";

export interface EmailOptions {
  smtpUrl: string;
  requireTls: boolean;
  ca?: string;
  auth?: { user: string; pass: string };
  from: string;
  to: readonly string[];
  timeoutMs: number;
  sendMail: SendMail;
}

/**
 * One mail per notification, subject and text from the templates. The idempotency key is the
 * Message-ID (`<key@satellite>`) and the X-Satellite-Event-Id header, so a mail archive or
 * filter can drop a re-send after a take-over.
 */
export function createEmailSender(options: EmailOptions): NotificationSender {
  return {
    async deliver(item, signal) {
      signal.throwIfAborted();
      const sending = options.sendMail({
        smtpUrl: options.smtpUrl,
        requireTls: options.requireTls,
        ca: options.ca,
        auth: options.auth,
        from: options.from,
        to: options.to,
        subject: item.text.subject,
        text: item.text.body,
        messageId: `${item.notification.key}@satellite`,
        headers: { "X-Satellite-Event-Id": item.notification.key },
        timeoutMs: options.timeoutMs,
      });
      // nodemailer has its own timeouts; the signal only stops us from waiting longer.
      await new Promise<void>((resolve, reject) => {
        const onAbort = () => reject(new Error(`SMTP ${options.smtpUrl}: no answer within ${options.timeoutMs} ms`));
        signal.addEventListener("abort", onAbort, { once: true });
        sending.then(
          () => (signal.removeEventListener("abort", onAbort), resolve()),
          (error: unknown) => (signal.removeEventListener("abort", onAbort), reject(error)),
        );
      });
    },
  };
}
