/** Small pieces several views share: status pills, empty states, error notes. */
import { h } from "../dom.ts";
import { formatTime } from "../format.ts";
import type { MaintenanceMark, MaintenanceWindowRow } from "../status-model.ts";

export function pill(state: string, label = state): HTMLSpanElement {
  const tone =
    state === "running" || state === "alive" || state === "healthy"
      ? "ok"
      : state === "degraded" || state === "failed"
        ? "bad"
        : state === "warning" || state === "leaving" || state === "suspect"
          ? "warn"
          : "neutral";
  return h("span", { class: `pill pill-${tone}` }, label);
}

export function note(message: string, tone: "info" | "error" = "info"): HTMLParagraphElement {
  return h("p", { class: `note note-${tone}`, role: tone === "error" ? "alert" : undefined }, message);
}

/** Buttons that act as one choice (aria-pressed), e.g. 1h / 24h / 7d. */
export function choiceLinks<T extends string>(label: string, choices: readonly T[], current: T, href: (choice: T) => string): HTMLElement {
  return h(
    "div",
    { class: "choices", role: "group", aria: { label } },
    choices.map((c) => h("a", { href: href(c), class: c === current ? "choice active" : "choice", aria: c === current ? { current: "true" } : {} }, c)),
  );
}

/** "maintenance": the node or check shows its real state, but does not count; the window in the title. */
export function maintenanceBadge(mark: MaintenanceMark): HTMLSpanElement {
  const by = mark.author ? ` by ${mark.author}` : "";
  return h("span", { class: "pill pill-maintenance", title: `maintenance until ${formatTime(mark.untilMs)}${by}${mark.reason ? `: ${mark.reason}` : ""}`, dataset: { maintenance: mark.id } }, "maintenance");
}

/** "node n3 until 21:00 (kernel upgrade)", "check ntp everywhere until ...": one active window. */
export function maintenanceLine(w: MaintenanceWindowRow): string {
  const target = w.check === undefined ? `node ${w.node ?? "?"}` : w.node === undefined ? `check ${w.check} everywhere` : `check ${w.check} on ${w.node}`;
  return `${target} until ${formatTime(w.untilMs)}${w.reason ? ` (${w.reason})` : ""}`;
}
