import { afterAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { notifierSchema } from "../../src/config/notifiers-schema.ts";
import { buildSender } from "../../src/notify/build-sender.ts";
import type { Notification } from "../../src/notify/notification.ts";
import { notificationDocument } from "../../src/notify/notification-document.ts";
import { NotificationText } from "../../src/notify/notification-text.ts";
import type { NotifyPlatform } from "../../src/notify/notify-platform.ts";
import { bunExec } from "../../src/platform/exec.ts";
import { bunHttpFetch } from "../../src/platform/http-fetch.ts";
import { nodemailerSendMail } from "../../src/platform/smtp-mail.ts";
import { waitFor } from "../support/processes.ts";
import { SmtpServer } from "./smtp-server.ts";

const failure: Notification = {
  key: "0123456789abcdef0123",
  previousKey: "",
  subjectId: "0123456789ab",
  change: "ProbeFailed",
  previousState: "running",
  repeat: false,
  deliver: true,
  alert: { subject: "probe/node-1/docker", kind: "probe", state: "failed", node: "node-1", checker: "docker", severity: "critical", error: "docker.sock: connection refused", sinceMs: Date.UTC(2026, 0, 2, 3, 4, 5) },
  createdAtMs: 0,
  attempts: 0,
  nextAttemptAtMs: 0,
};

const platform = (env: Record<string, string> = {}): NotifyPlatform => ({
  httpFetch: bunHttpFetch,
  sendMail: nodemailerSendMail,
  exec: bunExec,
  stateFiles: { read: () => undefined, writeAtomic: () => {} },
  readFile: (path) => readFileSync(path, "utf8"),
  env,
});

async function send(raw: Record<string, unknown>, env: Record<string, string> = {}): Promise<void> {
  const config = notifierSchema().parse(raw);
  const sender = buildSender(config, platform(env), { clusterName: "prod", nowMs: () => Date.now(), timeoutMs: 10_000 });
  const context = { notifier: config, clusterName: "prod", sender: "node-0" };
  const text = new NotificationText(config).render(failure, context);
  await sender.deliver({ notification: failure, text, document: notificationDocument(failure, context, text) }, AbortSignal.timeout(15_000));
}

const servers: SmtpServer[] = [];
afterAll(async () => {
  for (const s of servers) await s.stop();
});

describe("email notifier against a real SMTP server (aiosmtpd)", () => {
  test("the mail arrives with the templated subject, the idempotency key as Message-ID and header", async () => {
    const smtp = await SmtpServer.start("plain");
    servers.push(smtp);
    await send({ name: "mail", kind: "email", smtp: `smtp://127.0.0.1:${smtp.port}`, requireTls: false, from: "satellite@example.com", to: ["oncall@example.com"], subject: "{{ cluster }}: {{ checker }} on {{ node }} is {{ state }}" });
    await waitFor(() => smtp.mails.length === 1, 10_000, "the mail");
    const mail = smtp.mails[0]!.data;
    expect(mail).toContain("Subject: prod: docker on node-1 is failed");
    expect(mail).toContain("Message-ID: <0123456789abcdef0123@satellite>");
    expect(mail).toMatch(/^X-Satellite-Event-Id: 0123456789abcdef0123$/im);
    expect(mail).toContain("docker.sock: connection refused");
    expect(mail).toContain("Since: 2026-01-02 03:04:05 UTC");
  }, 30_000);

  test("STARTTLS and AUTH: the password from an environment variable, the server's certificate checked against caFile", async () => {
    const smtp = await SmtpServer.start("tls");
    servers.push(smtp);
    const base = { name: "mail", kind: "email", smtp: `smtp://127.0.0.1:${smtp.port}`, from: "satellite@example.com", to: ["oncall@example.com"], username: "satellite", caFile: smtp.caFile };
    await send({ ...base, passwordEnv: "SMTP_PASSWORD" }, { SMTP_PASSWORD: "pw-123" });
    await waitFor(() => smtp.mails.length === 1, 10_000, "the mail");
    expect(smtp.mails[0]).toMatchObject({ tls: true, authenticated: true, to: ["oncall@example.com"] });
    expect(smtp.mails[0]!.data).toContain("Subject: [prod] ProbeFailed node-1/docker");
    // A wrong password fails with what went wrong, and without the password.
    const refused = send({ ...base, password: "wrong-pw-456" });
    await expect(refused).rejects.toThrow(/SMTP 127\.0\.0\.1/);
    await refused.catch((error: Error) => expect(error.message).not.toContain("wrong-pw-456"));
    // Without caFile the self-signed certificate is refused.
    await expect(send({ ...base, caFile: undefined, password: "pw-123" })).rejects.toThrow(/certificate/i);
  }, 60_000);
});
