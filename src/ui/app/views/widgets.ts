/** Small pieces several views share: status pills, empty states, error notes. */
import { h } from "../dom.ts";

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
