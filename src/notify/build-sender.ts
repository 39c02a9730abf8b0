import { buildInfo } from "../build-info.ts";
import type { NotifierConfig } from "../config/notifiers-schema.ts";
import { SatelliteError, describeError } from "../platform/errors.ts";
import { assertNever } from "../platform/assert-never.ts";
import { createAlertmanagerSender } from "./alertmanager-sender.ts";
import { createEmailSender } from "./email-sender.ts";
import type { NotificationSender } from "./notification-sender.ts";
import { resolveSecret } from "./notifier-secrets.ts";
import type { NotifyPlatform } from "./notify-platform.ts";
import { createScriptSender } from "./script-sender.ts";
import { createWebhookSender } from "./webhook-sender.ts";

export interface SenderContext {
  clusterName?: string;
  nowMs: () => number;
  timeoutMs: number;
}

const USER_AGENT = `satellite/${buildInfo.version}`;

/** The sender of one configured notifier, its secrets read; throws a SatelliteError naming the notifier when one cannot be. */
export function buildSender(config: NotifierConfig, platform: NotifyPlatform, context: SenderContext): NotificationSender {
  switch (config.kind) {
    case "alertmanager":
      return createAlertmanagerSender({ url: config.url, clusterName: context.clusterName, userAgent: USER_AGENT, httpFetch: platform.httpFetch, nowMs: context.nowMs });
    case "webhook":
      return createWebhookSender({
        url: config.url,
        secret: resolveSecret(config, "secret", { value: config.secret, file: config.secretFile, env: config.secretEnv }, platform),
        userAgent: USER_AGENT,
        httpFetch: platform.httpFetch,
      });
    case "email": {
      const password = resolveSecret(config, "password", { value: config.password, file: config.passwordFile, env: config.passwordEnv }, platform);
      let ca: string | undefined;
      if (config.caFile !== undefined) {
        try {
          ca = platform.readFile(config.caFile, 1 << 20);
        } catch (error) {
          throw new SatelliteError("NOTIFIER_CA_UNREADABLE", `notifier ${config.name}: cannot read caFile ${config.caFile}: ${describeError(error)}`, { hint: "give a readable PEM CA bundle", cause: error });
        }
      }
      return createEmailSender({
        smtpUrl: config.smtp,
        requireTls: config.requireTls,
        ca,
        auth: config.username !== undefined && password !== undefined ? { user: config.username, pass: password } : undefined,
        from: config.from,
        to: config.to,
        timeoutMs: context.timeoutMs,
        sendMail: platform.sendMail,
      });
    }
    case "script":
      return createScriptSender({ command: config.command, notifier: config.name, exec: platform.exec, path: platform.env.PATH ?? "/usr/local/bin:/usr/bin:/bin" });
    default:
      return assertNever(config, "notifier kind");
  }
}
