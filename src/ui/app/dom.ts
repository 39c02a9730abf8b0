/**
 * The dashboard's whole view layer: `h()` builds elements from plain values. Text always goes
 * in as text nodes (never HTML), so a node name or probe error from gossip cannot become
 * markup; and no `style` attribute is ever written, which the page's CSP would refuse.
 */
export type Child = Node | string | number | false | null | undefined | readonly Child[];

export interface Attrs {
  class?: string;
  id?: string;
  href?: string;
  title?: string;
  role?: string;
  type?: string;
  value?: string;
  placeholder?: string;
  for?: string;
  name?: string;
  tabindex?: number;
  scope?: string;
  colspan?: number;
  hidden?: boolean;
  dataset?: Record<string, string>;
  aria?: Record<string, string>;
  on?: { [K in keyof HTMLElementEventMap]?: (event: HTMLElementEventMap[K]) => void };
}

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    if (key === "dataset") for (const [k, v] of Object.entries(value as Record<string, string>)) element.dataset[k] = v;
    else if (key === "aria") for (const [k, v] of Object.entries(value as Record<string, string>)) element.setAttribute(`aria-${k}`, v);
    else if (key === "on") for (const [type, listener] of Object.entries(value as Record<string, EventListener>)) element.addEventListener(type, listener);
    else if (key === "class") element.className = String(value);
    else if (value === true) element.setAttribute(key, "");
    else element.setAttribute(key, String(value));
  }
  append(element, children);
  return element;
}

export function append(parent: Node, children: readonly Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(parent, child);
    else parent.appendChild(typeof child === "string" || typeof child === "number" ? document.createTextNode(String(child)) : (child as Node));
  }
}

/** Replaces every child of `parent`. */
export function replaceChildren(parent: Element, ...children: Child[]): void {
  parent.textContent = "";
  append(parent, children);
}
