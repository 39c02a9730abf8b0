/**
 * The dashboard page: reads the route from the URL fragment, mounts its view, and feeds every
 * view from one shared `/status` (re-read when a live event says something changed) and the
 * live event stream. A clock tick only refreshes "how long ago" texts; nothing polls the agent.
 */
import "uplot/dist/uPlot.min.css";
import "./styles.css";
import { h, replaceChildren } from "./dom.ts";
import { startLiveEvents, type LiveState } from "./live.ts";
import { parseRoute, routeHref, type Route } from "./router.ts";
import { createStatusStore } from "./status-store.ts";
import { clusterView } from "./views/cluster-view.ts";
import { networkView } from "./views/network-view.ts";
import { nodeView } from "./views/node-view.ts";
import { timelineView } from "./views/timeline-view.ts";
import type { View, ViewContext } from "./views/view.ts";
import { assertNever } from "../../platform/assert-never.ts";

/** What the dashboard subscribes to: everything that changes /status or the timeline (not every probe run). */
const LIVE_TYPES = ["node", "cluster", "ProbeFailed", "ProbeSucceeded"] as const;
const TICK_MS = 5000;

const main = document.getElementById("main") as HTMLElement;
const liveBadge = document.getElementById("live") as HTMLElement;
const store = createStatusStore();
let view: View | undefined;

const ctx: ViewContext = {
  store,
  now: () => Date.now(),
  navigate(route: Route, replace = false) {
    const href = routeHref(route);
    if (replace) history.replaceState(null, "", href);
    else location.hash = href;
  },
};

function mount(route: Route): View {
  switch (route.view) {
    case "cluster":
      return clusterView(main, route.filter, ctx);
    case "node":
      return nodeView(main, route.name, route.range, ctx);
    case "timeline":
      return timelineView(main, route.filter, ctx);
    case "network":
      return networkView(main, route.metric, ctx);
    default:
      return assertNever(route, "route");
  }
}

function show(): void {
  const route = parseRoute(location.hash);
  view?.destroy();
  view = mount(route);
  document.title = `Satellite · ${route.view === "node" ? route.name : route.view}`;
  for (const link of document.querySelectorAll<HTMLAnchorElement>("nav a[data-view]")) {
    if (link.dataset.view === route.view) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
  document.documentElement.dataset.view = route.view;
}

const LIVE_TEXT: Readonly<Record<LiveState, string>> = { connecting: "connecting…", open: "live", waiting: "offline" };

function showLive(state: LiveState, retryInMs?: number): void {
  liveBadge.dataset.state = state;
  document.documentElement.dataset.live = state;
  replaceChildren(liveBadge, h("span", { class: "dot" }), state === "waiting" && retryInMs !== undefined ? `offline, retrying in ${Math.round(retryInMs / 1000)} s` : LIVE_TEXT[state]);
}

store.subscribe(() => {
  view?.statusChanged();
  document.documentElement.dataset.statusLoaded = String(Number(document.documentElement.dataset.statusLoaded ?? "0") + 1);
});
window.addEventListener("hashchange", () => {
  show();
  main.focus({ preventScroll: true });
});
document.addEventListener("keydown", (e) => {
  // "/" jumps to the first filter of the view, as in many dashboards.
  if (e.key !== "/" || e.ctrlKey || e.metaKey || e.altKey) return;
  const target = e.target as HTMLElement | null;
  if (target && (target.tagName === "INPUT" || target.tagName === "SELECT" || target.tagName === "TEXTAREA")) return;
  const first = main.querySelector<HTMLElement>("form.filters input, form.filters select");
  if (first) {
    e.preventDefault();
    first.focus();
  }
});

show();
store.refresh();
startLiveEvents({
  types: LIVE_TYPES,
  onEvent(event) {
    store.refresh();
    view?.event(event);
  },
  onResync() {
    store.refresh();
    view?.resync();
  },
  onState: showLive,
});
setInterval(() => view?.tick(), TICK_MS);
