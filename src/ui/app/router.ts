/**
 * The dashboard's places as URL fragments (`#/node/n1?range=24h`), so every view and filter
 * can be bookmarked, shared and navigated with the browser's back button. Pure.
 */
import { assertNever } from "../../platform/assert-never.ts";
import type { ClusterFilter } from "./cluster-filter.ts";

export const RANGES = ["1h", "24h", "7d"] as const;
export type Range = (typeof RANGES)[number];

export const TIMELINE_SINCE = ["1h", "6h", "24h", "7d"] as const;
export type TimelineSince = (typeof TIMELINE_SINCE)[number];

export const NETWORK_METRICS = ["rtt", "loss", "offset"] as const;
export type NetworkMetric = (typeof NETWORK_METRICS)[number];

export interface TimelineFilter {
  node?: string;
  probe?: string;
  type?: string;
  since: TimelineSince;
}

export type Route =
  | { view: "cluster"; filter: ClusterFilter }
  | { view: "node"; name: string; range: Range }
  | { view: "timeline"; filter: TimelineFilter }
  | { view: "network"; metric: NetworkMetric };

function pick<T extends string>(value: string | null, allowed: readonly T[], fallback: T): T {
  return value !== null && (allowed as readonly string[]).includes(value) ? (value as T) : fallback;
}

function optional(params: URLSearchParams, key: string): string | undefined {
  const value = params.get(key);
  return value === null || value === "" ? undefined : value.slice(0, 256);
}

export function parseRoute(hash: string): Route {
  const [path = "", query = ""] = hash.replace(/^#/, "").split("?", 2);
  const params = new URLSearchParams(query);
  const parts = path.split("/").filter((p) => p !== "");
  switch (parts[0]) {
    case "node": {
      let name = "";
      try {
        name = decodeURIComponent(parts.slice(1).join("/"));
      } catch {
        name = "";
      }
      if (name === "") break;
      return { view: "node", name, range: pick(params.get("range"), RANGES, "1h") };
    }
    case "timeline":
      return {
        view: "timeline",
        filter: { node: optional(params, "node"), probe: optional(params, "probe"), type: optional(params, "type"), since: pick(params.get("since"), TIMELINE_SINCE, "24h") },
      };
    case "network":
      return { view: "network", metric: pick(params.get("metric"), NETWORK_METRICS, "rtt") };
  }
  return { view: "cluster", filter: { status: optional(params, "status"), role: optional(params, "role"), tag: optional(params, "tag"), search: optional(params, "q") } };
}

function withQuery(path: string, params: Record<string, string | undefined>): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== "") query.set(key, value);
  const text = query.toString();
  return text === "" ? path : `${path}?${text}`;
}

export function routeHref(route: Route): string {
  switch (route.view) {
    case "cluster":
      return withQuery("#/cluster", { status: route.filter.status, role: route.filter.role, tag: route.filter.tag, q: route.filter.search });
    case "node":
      return withQuery(`#/node/${encodeURIComponent(route.name)}`, { range: route.range === "1h" ? undefined : route.range });
    case "timeline":
      return withQuery("#/timeline", { node: route.filter.node, probe: route.filter.probe, type: route.filter.type, since: route.filter.since === "24h" ? undefined : route.filter.since });
    case "network":
      return withQuery("#/network", { metric: route.metric === "rtt" ? undefined : route.metric });
    default:
      return assertNever(route, "route");
  }
}

export function nodeHref(name: string): string {
  return routeHref({ view: "node", name, range: "1h" });
}
