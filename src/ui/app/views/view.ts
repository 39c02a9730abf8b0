import type { Route } from "../router.ts";
import type { StatusStore } from "../status-store.ts";

/** What every view gets from the page. */
export interface ViewContext {
  store: StatusStore;
  /** Wall clock, Unix ms (the browser's). */
  now(): number;
  /** Changes the URL fragment; `replace` keeps the back button for real navigation, not each keystroke of a filter. */
  navigate(route: Route, replace?: boolean): void;
}

/** A mounted view. The page calls these; a view never polls. */
export interface View {
  /** `/status` changed (or failed); re-render what depends on it. */
  statusChanged(): void;
  /** Every few seconds: "how long ago" texts. */
  tick(): void;
  /** A live event from /events. */
  event(event: Record<string, unknown>): void;
  /** Events may have been missed (reconnect, gap): re-read what the view fetched itself. */
  resync(): void;
  destroy(): void;
}
