/** The network heatmap's colour classes: which band a measurement falls in. Pure. */
import { assertNever } from "../../platform/assert-never.ts";
import type { PeerLink } from "./peer-links.ts";
import type { NetworkMetric } from "./router.ts";

/** Upper bounds of bands 0..4; above the last is band 5. */
export const HEAT_BANDS: Readonly<Record<NetworkMetric, readonly number[]>> = {
  rtt: [1, 5, 15, 50, 150],
  loss: [0.5, 5, 20, 50, 80],
  offset: [10, 50, 300, 1000, 5000],
};

export const HEAT_UNITS: Readonly<Record<NetworkMetric, string>> = { rtt: "ms", loss: "%", offset: "ms" };

export const HEAT_TITLES: Readonly<Record<NetworkMetric, string>> = { rtt: "round trip (p95)", loss: "probes lost", offset: "clock offset" };

export function linkValue(link: PeerLink, metric: NetworkMetric): number | undefined {
  switch (metric) {
    case "rtt":
      return link.rttMs;
    case "loss":
      return link.lossPercent;
    case "offset":
      return link.clockOffsetMs === undefined ? undefined : Math.abs(link.clockOffsetMs);
    default:
      return assertNever(metric, "network metric");
  }
}

/** 0 (good) .. 5 (worst). */
export function heatBand(metric: NetworkMetric, value: number): number {
  const bands = HEAT_BANDS[metric];
  const index = bands.findIndex((upper) => value <= upper);
  return index < 0 ? bands.length : index;
}

/** Legend labels: "≤ 1 ms", ..., "> 150 ms". */
export function bandLabels(metric: NetworkMetric): string[] {
  const unit = HEAT_UNITS[metric];
  const bands = HEAT_BANDS[metric];
  return [...bands.map((b) => `≤ ${b} ${unit}`), `> ${bands[bands.length - 1]} ${unit}`];
}
