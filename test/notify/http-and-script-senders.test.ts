import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createHmac } from "node:crypto";
import { notifierSchema } from "../../src/config/notifiers-schema.ts";
import { buildSender } from "../../src/notify/build-sender.ts";
import type { Notification } from "../../src/notify/notification.ts";
import { notificationDocument } from "../../src/notify/notification-document.ts";
import type { OutgoingNotification } from "../../src/notify/notification-sender.ts";
import { NotificationText } from "../../src/notify/notification-text.ts";
import { bunExec } from "../../src/platform/exec.ts";
import { bunHttpFetch } from "../../src/platform/http-fetch.ts";
import { nodemailerSendMail } from "../../src/platform/smtp-mail.ts";
import { AlertmanagerProcess, WebhookReceiver } from "./receivers.ts";

const change = (state: "failed" | "running", previousState: "failed" | "running", sinceMs = Date.now() - 60_000): Notification => ({
  key: state === "failed" ? "aaaaaaaaaaaaaaaaaaaa" : "bbbbbbbbbbbbbbbbbbbb",
  previousKey: "",
  subjectId: "0123456789ab",
  change: state === "failed" ? "ProbeFailed" : "ProbeSucceeded",
  previousState,
  repeat: false,
  deliver: true,
  alert: { subject: "probe/node-1/docker", kind: "probe", state, node: "node-1", checker: "docker", severity: "warning", error: state === "failed" ? "no socket" : undefined, sinceMs },
  createdAtMs: 0,
  attempts: 0,
  nextAttemptAtMs: 0,
});

function senderFor(raw: Record<string, unknown>, env: Record<string, string> = {}) {
  const config = notifierSchema().parse(raw);
  const sender = buildSender(config, { httpFetch: bunHttpFetch, sendMail: nodemailerSendMail, exec: bunExec, stateFiles: { read: () => undefined, writeAtomic: () => {} }, readFile: () => "file-secret\nignored", env }, { clusterName: "prod", nowMs: () => Date.now(), timeoutMs: 5000 });
  const outgoing = (n: Notification): OutgoingNotification => {
    const context = { notifier: config, clusterName: "prod", sender: "node-0" };
    const text = new NotificationText(config).render(n, context);
    return { notification: n, text, document: notificationDocument(n, context, text) };
  };
  return { sender, outgoing };
}

let am: AlertmanagerProcess;
let hook: WebhookReceiver;
beforeAll(async () => {
  am = await AlertmanagerProcess.start();
  hook = await WebhookReceiver.start();
});
afterAll(async () => {
  await am?.stop();
  await hook?.down();
});

describe("alertmanager notifier against Debian's Alertmanager", () => {
  test("a failure fires SatelliteProbeFailed with its labels and the error; the recovery resolves it; a refresh keeps firing alerts alive", async () => {
    const { sender, outgoing } = senderFor({ name: "am", kind: "alertmanager", url: `${am.url}/` });
    await sender.deliver(outgoing(change("failed", "running")), AbortSignal.timeout(5000));
    const [firing] = await am.alerts();
    expect(firing?.labels).toEqual({ alertname: "SatelliteProbeFailed", node: "node-1", checker: "docker", severity: "warning", cluster: "prod" });
    expect(firing!.endsAtMs).toBeGreaterThan(Date.now() + 60_000);
    const detail = (await (await fetch(`${am.url}/api/v2/alerts`)).json()) as { annotations: Record<string, string> }[];
    expect(detail[0]?.annotations).toMatchObject({ error: "no socket", idempotency_key: "aaaaaaaaaaaaaaaaaaaa" });
    await sender.refresh?.([outgoing(change("failed", "running"))], AbortSignal.timeout(5000));
    expect(await am.alerts()).toHaveLength(1);
    await sender.deliver(outgoing(change("running", "failed", Date.now())), AbortSignal.timeout(5000));
    expect(await am.alerts()).toEqual([]);
  }, 30_000);
});

describe("webhook notifier", () => {
  test("JSON POST with the idempotency key, signed with the secret from a file (first line)", async () => {
    const { sender, outgoing } = senderFor({ name: "hook", kind: "webhook", url: hook.url, secretFile: "/etc/satellite/hook.secret" });
    await sender.deliver(outgoing(change("failed", "running")), AbortSignal.timeout(5000));
    const got = hook.requests.at(-1)!;
    expect(got.headers["content-type"]).toBe("application/json");
    expect(got.headers["x-satellite-event-id"]).toBe("aaaaaaaaaaaaaaaaaaaa");
    expect(got.headers["x-satellite-signature"]).toBe(`sha256=${createHmac("sha256", "file-secret").update(got.body).digest("hex")}`);
    expect(got.json).toMatchObject({ version: 1, id: "aaaaaaaaaaaaaaaaaaaa", change: "ProbeFailed", alertname: "SatelliteProbeFailed", node: "node-1", checker: "docker", error: "no socket", cluster: "prod", sender: "node-0", firing: true });
  });

  test("without a secret there is no signature; a refusal is an error naming the receiver without credentials", async () => {
    const { sender, outgoing } = senderFor({ name: "hook", kind: "webhook", url: hook.url });
    await sender.deliver(outgoing(change("failed", "running")), AbortSignal.timeout(5000));
    expect(hook.requests.at(-1)!.headers["x-satellite-signature"]).toBeUndefined();
    const refused = senderFor({ name: "hook", kind: "webhook", url: `${am.url.replace("http://", "http://user:pa55@")}/nope` });
    const error = await refused.sender.deliver(refused.outgoing(change("failed", "running")), AbortSignal.timeout(5000)).catch((e: Error) => e);
    expect(String(error)).toMatch(/answered HTTP 404/);
    expect(String(error)).not.toContain("pa55");
  });
});

describe("script notifier", () => {
  test("the JSON document on stdin, the change and key in the environment; a non-zero exit and a timeout are errors", async () => {
    const { sender, outgoing } = senderFor({ name: "run", kind: "script", command: ["/bin/sh", "-c", 'read line; echo "$SATELLITE_EVENT $SATELLITE_EVENT_ID $line" >&2; exit 3'] });
    const error = await sender.deliver(outgoing(change("failed", "running")), AbortSignal.timeout(5000)).catch((e: Error) => e);
    expect(String(error)).toContain("exited 3");
    expect(String(error)).toContain('ProbeFailed aaaaaaaaaaaaaaaaaaaa {"version":1,"id":"aaaaaaaaaaaaaaaaaaaa"');
    const ok = senderFor({ name: "run", kind: "script", command: ["/bin/sh", "-c", "cat >/dev/null"] });
    await ok.sender.deliver(ok.outgoing(change("failed", "running")), AbortSignal.timeout(5000));
    const slow = senderFor({ name: "run", kind: "script", command: ["/bin/sh", "-c", "sleep 30"] });
    const started = performance.now();
    const timedOut = await slow.sender.deliver(slow.outgoing(change("failed", "running")), AbortSignal.timeout(300)).catch((e: Error) => e);
    expect(String(timedOut)).toContain("process group was killed");
    expect(performance.now() - started).toBeLessThan(5000);
  });
});
