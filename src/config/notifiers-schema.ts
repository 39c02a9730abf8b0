import { z } from "zod";
import { EVENT_KINDS, EVENT_TYPES } from "../events/agent-event.ts";
import { CONFIG_BOUNDS as B } from "./bounds.ts";
import { parseDurationMs } from "./duration.ts";
import { applyOnSchema } from "./apply-on-schema.ts";

/**
 * The `notifiers:` list of the config file (docs/notifications.md). Only the shape and bounds
 * live here; secrets named by file or environment variable are read when the notifiers start.
 */

/** The alert changes a notifier sends, by the event type names users filter on. */
export const NOTIFIABLE_CHANGES = ["ProbeFailed", "ProbeSucceeded", "NodeFailed", "NodeDegraded", "NodeHealthy", "NodeLeft", "ClusterDegraded", "ClusterHealthy"] as const;
export type NotifiableChange = (typeof NOTIFIABLE_CHANGES)[number];
/** The kinds a notifier filter may name: those the changes above belong to. */
export const NOTIFIABLE_KINDS = ["probe", "node", "cluster"] as const;

/**
 * At most this many notifiers: each one is advertised in the node's gossip tags (9 bytes),
 * which share serf's 512-byte node meta with the operator's tags and the health digest.
 */
export const NOTIFIERS_MAX = 8;
/** Templates are operator text, bounded so a mistaken include cannot grow without limit. */
export const TEMPLATE_LENGTH_MAX = 16 * 1024;
export const RECIPIENTS_MAX = 32;
export const SCRIPT_ARGS_MAX = 64;

const duration = (fallback: string, minMs: number, maxMs: number) =>
  z
    .string()
    .max(B.durationLengthMax)
    .default(fallback)
    .superRefine((value, ctx) => {
      const ms = parseDurationMs(value);
      if (ms === undefined) ctx.addIssue({ code: "custom", message: `"${value}" is not a duration; use e.g. 0s, 10s, 5m, 4h` });
      else if (ms < minMs || ms > maxMs) ctx.addIssue({ code: "custom", message: `"${value}" is out of range (${minMs} ms to ${maxMs / 3_600_000} h)` });
    });

const eventName = () =>
  z.string().superRefine((value, ctx) => {
    if ((NOTIFIABLE_CHANGES as readonly string[]).includes(value) || (NOTIFIABLE_KINDS as readonly string[]).includes(value)) return;
    const known = (EVENT_TYPES as readonly string[]).includes(value) || (EVENT_KINDS as readonly string[]).includes(value);
    ctx.addIssue({
      code: "custom",
      message: `${known ? `"${value}" is an event, not an alert change a notifier sends` : `"${value}" is not an event kind or type`}; allowed: ${[...NOTIFIABLE_KINDS, ...NOTIFIABLE_CHANGES].join(", ")}${known ? " (every event reaches --event-handler and GET /events)" : ""}`,
    });
  });

const httpUrl = () => z.url({ protocol: /^https?$/, error: "expected an http:// or https:// URL" }).max(B.urlLengthMax);

const template = () => z.string().min(1).max(TEMPLATE_LENGTH_MAX);
const path = () => z.string().min(1).max(B.pathLengthMax);
/** user@host: the part a mail server checks; display names are not taken. */
const mailAddress = () => z.string().max(320).regex(/^[^\s@<>,;"]+@[^\s@<>,;"]+$/, "expected an address such as oncall@example.com");
const envName = () => z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,127}$/, "expected an environment variable name");

/** What every kind takes: name, filters, timing, templates. */
const commonKeys = () => ({
  name: z.string().min(1).max(64).regex(/^[a-z0-9][a-z0-9._-]*$/i, "use letters, digits, '.', '_' or '-'"),
  /** Kinds and change types; empty or absent: every change. */
  events: z.array(eventName()).max(32).default([]),
  severities: z.array(z.enum(["critical", "warning"])).max(2).default([]),
  /** Tags a node must carry (all of them) for its alerts to be sent; the cluster's alert always passes. */
  nodes: z.record(z.string().min(1).max(B.tagKeyLengthMax), z.string().max(256)).default({}),
  quietPeriod: duration("10s", 0, 3_600_000),
  repeatInterval: duration("4h", 60_000, 30 * 86_400_000),
  /** Delivery attempt deadline. */
  timeout: duration("10s", 100, 300_000),
  subject: template().optional(),
  body: template().optional(),
  /** Started only on nodes whose tags match (docs/detectors.md). */
  applyOn: applyOnSchema().optional(),
});

/** A secret is given in the config (discouraged), read from a file, or from an environment variable. */
const secretText = () => z.string().min(1).max(B.secretLengthMax);

const alertmanager = () => z.strictObject({ ...commonKeys(), kind: z.literal("alertmanager"), url: httpUrl() });

const webhook = () => z.strictObject({ ...commonKeys(), kind: z.literal("webhook"), url: httpUrl(), secret: secretText().optional(), secretFile: path().optional(), secretEnv: envName().optional() });

const email = () =>
  z.strictObject({
    ...commonKeys(),
    kind: z.literal("email"),
    smtp: z.url({ protocol: /^smtps?$/, error: "expected smtp://host:port (STARTTLS) or smtps://host:port (TLS from the start)" }).max(B.urlLengthMax),
    from: mailAddress(),
    to: z.array(mailAddress()).min(1).max(RECIPIENTS_MAX),
    username: z.string().min(1).max(B.secretLengthMax).optional(),
    password: secretText().optional(),
    passwordFile: path().optional(),
    passwordEnv: envName().optional(),
    /** smtp:// only: refuse to send unless the server offers STARTTLS (default). */
    requireTls: z.boolean().default(true),
    /** PEM CA bundle to verify the server's certificate (default: the system's). */
    caFile: path().optional(),
  });

const script = () =>
  z.strictObject({
    ...commonKeys(),
    kind: z.literal("script"),
    command: z.array(z.string().min(1).max(B.pathLengthMax)).min(1).max(SCRIPT_ARGS_MAX),
  });

function oneSecretSource(value: Record<string, unknown>, prefix: string, ctx: z.RefinementCtx): void {
  const given = [prefix, `${prefix}File`, `${prefix}Env`].filter((k) => value[k] !== undefined);
  if (given.length > 1) ctx.addIssue({ code: "custom", path: [given[1] as string], message: `give one of ${given.join(", ")}, not several` });
}

export function notifierSchema() {
  return z
    .discriminatedUnion("kind", [alertmanager(), webhook(), email(), script()], {
      error: (issue) => (issue.code === "invalid_union" ? "kind must be one of alertmanager, webhook, email, script" : undefined),
    })
    .superRefine((value, ctx) => {
      if (value.kind === "webhook") oneSecretSource(value, "secret", ctx);
      if (value.kind === "email") {
        oneSecretSource(value, "password", ctx);
        const hasPassword = value.password !== undefined || value.passwordFile !== undefined || value.passwordEnv !== undefined;
        if (hasPassword !== (value.username !== undefined)) ctx.addIssue({ code: "custom", path: ["username"], message: "SMTP auth needs both username and a password (password, passwordFile or passwordEnv)" });
      }
    });
}

export function notifiersSchema() {
  return z
    .array(notifierSchema())
    .max(NOTIFIERS_MAX, `at most ${NOTIFIERS_MAX} notifiers (each is advertised in the node's gossip tags)`)
    .superRefine((list, ctx) => {
      const seen = new Map<string, number>();
      list.forEach((n, index) => {
        const earlier = seen.get(n.name);
        if (earlier !== undefined) ctx.addIssue({ code: "custom", path: [index, "name"], message: `duplicate notifier name "${n.name}" (also notifiers[${earlier}]); names must be unique` });
        seen.set(n.name, index);
      });
    });
}

/** The cluster's name in notifications (`cluster` label); a DNS label. */
export function clusterNameSchema() {
  return z.string().min(1).max(63).regex(/^[a-z0-9]([a-z0-9._-]*[a-z0-9])?$/i, "use letters, digits, '.', '_' or '-' (at most 63)");
}

export type NotifierConfig = z.output<ReturnType<typeof notifierSchema>>;
export type NotifierKind = NotifierConfig["kind"];
