import { SatelliteError, describeError } from "./errors.ts";

/** One mail to send over SMTP. */
export interface MailMessage {
  /** smtp://host[:port] (STARTTLS, port 587 by default) or smtps://host[:port] (TLS from the start, 465). */
  smtpUrl: string;
  /** smtp:// only: refuse to send unless the server offers STARTTLS. */
  requireTls: boolean;
  /** PEM CA bundle to verify the server with (default: the system's). */
  ca?: string;
  auth?: { user: string; pass: string };
  from: string;
  to: readonly string[];
  subject: string;
  text: string;
  /** Message-ID without the angle brackets: receivers and archives can drop a duplicate by it. */
  messageId: string;
  headers?: Record<string, string>;
  /** For connecting, the greeting and each later reply. */
  timeoutMs: number;
}

/** Sends one mail; resolves with the server's final reply, rejects saying what failed (never with a password). */
export type SendMail = (message: MailMessage) => Promise<{ response: string }>;

/**
 * nodemailer's SMTP transport, one connection per mail (notifications are rare). nodemailer is
 * loaded on the first mail: an agent that sends none does not carry it in memory.
 */
export const nodemailerSendMail: SendMail = async (message) => {
  const { createTransport } = await import("nodemailer");
  const url = new URL(message.smtpUrl);
  const secure = url.protocol === "smtps:";
  const transport = createTransport({
    host: url.hostname.replace(/^\[|\]$/g, ""),
    port: url.port ? Number(url.port) : secure ? 465 : 587,
    secure,
    requireTLS: !secure && message.requireTls,
    auth: message.auth,
    tls: message.ca ? { ca: message.ca } : undefined,
    connectionTimeout: message.timeoutMs,
    greetingTimeout: message.timeoutMs,
    socketTimeout: message.timeoutMs,
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  try {
    const info = await transport.sendMail({
      from: message.from,
      to: [...message.to],
      subject: message.subject,
      text: message.text,
      messageId: `<${message.messageId}>`,
      headers: message.headers,
    });
    return { response: String(info.response ?? "") };
  } catch (error) {
    throw new SatelliteError("SMTP_SEND_FAILED", `SMTP ${url.host}: ${describeError(error)}`, {
      hint: "check the smtp URL, that the server offers STARTTLS (or set requireTls: false for a local relay), the username and password",
      cause: error,
    });
  } finally {
    transport.close();
  }
};
