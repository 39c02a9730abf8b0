import { Liquid, type Template } from "liquidjs";
import type { NotifierConfig } from "../config/notifiers-schema.ts";
import { SatelliteError, describeError } from "../platform/errors.ts";
import { primaryAlertName } from "./alert-names.ts";
import { isProblem } from "./alert-state.ts";
import type { Notification } from "./notification.ts";

/**
 * Subjects and bodies of notifications, from Liquid templates (liquidjs: Shopify's template
 * language, sandboxed: no file access, no JavaScript, bounded parse and render work). The
 * operator's `subject:` and `body:` replace the defaults; both see the variables of
 * `templateVariables` (docs/notifications.md lists them).
 */
export const DEFAULT_SUBJECT =
  '[{{ cluster | default: "satellite" }}] {% if repeat %}still {% endif %}{{ change }}{% if node %} {{ node }}{% endif %}{% if checker %}/{{ checker }}{% endif %}';

export const DEFAULT_BODY = `{{ change }}{% if node %} on {{ node }}{% endif %}{% if checker %}: check {{ checker }}{% endif %} ({{ severity }}){% if repeat %}, still {{ state }}{% endif %}
{% if error %}
{{ error }}
{% endif %}
Alert: {{ alertname | default: "-" }} {% if firing %}firing{% else %}resolved{% endif %}
Since: {{ since | date: "%Y-%m-%d %H:%M:%S UTC" }}
Cluster: {{ cluster | default: "-" }}
Sent by: {{ sender }} (notifier {{ notifier }}, id {{ key }})
`;

export interface TextContext {
  notifier: NotifierConfig;
  clusterName?: string;
  /** The node sending it. */
  sender: string;
}

export interface RenderedText {
  subject: string;
  body: string;
}

/** What templates see; also the fields of the JSON document webhooks and scripts get. */
export function templateVariables(n: Notification, context: TextContext): Record<string, unknown> {
  return {
    notifier: context.notifier.name,
    notifierKind: context.notifier.kind,
    key: n.key,
    change: n.change,
    repeat: n.repeat,
    alertname: primaryAlertName(n.alert, n.previousState),
    firing: isProblem(n.alert.state),
    state: n.alert.state,
    previousState: n.previousState,
    node: n.alert.node,
    checker: n.alert.checker,
    severity: n.alert.severity,
    error: n.alert.error,
    cluster: context.clusterName,
    since: new Date(n.alert.sinceMs),
    sender: context.sender,
  };
}

/** Compiled templates of one notifier; compiling at start turns a template error into a start error naming it. */
export class NotificationText {
  private readonly liquid = new Liquid({ templates: {}, strictFilters: true, ownPropertyOnly: true, timezoneOffset: 0, parseLimit: 100_000, renderLimit: 1000, memoryLimit: 10_000_000 });
  private readonly subject: Template[];
  private readonly body: Template[];

  constructor(private readonly config: NotifierConfig) {
    this.subject = this.compile("subject", config.subject ?? DEFAULT_SUBJECT);
    this.body = this.compile("body", config.body ?? DEFAULT_BODY);
  }

  render(n: Notification, context: TextContext): RenderedText {
    const variables = templateVariables(n, context);
    return {
      // A subject is one line: a newline in it would start mail headers of its own.
      subject: this.renderOne(this.subject, variables, "subject").replace(/[\r\n]+/g, " ").trim().slice(0, 998),
      body: this.renderOne(this.body, variables, "body"),
    };
  }

  private compile(which: "subject" | "body", text: string): Template[] {
    try {
      return this.liquid.parse(text);
    } catch (error) {
      throw new SatelliteError("NOTIFIER_TEMPLATE_INVALID", `notifier ${this.config.name}: the ${which} template does not parse: ${describeError(error)}`, {
        hint: "fix the Liquid template (docs/notifications.md lists the variables and shows the defaults)",
        cause: error,
      });
    }
  }

  private renderOne(template: Template[], variables: Record<string, unknown>, which: string): string {
    try {
      return this.liquid.renderSync(template, variables) as string;
    } catch (error) {
      // A template that fails for one notification must not hold the notification back.
      return `(${which} template failed: ${describeError(error)})`;
    }
  }
}
