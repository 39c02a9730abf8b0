/**
 * Time plots with uPlot: a bucket's average and maximum over time. Colours come from the
 * page's CSS variables, so plots follow the light or dark scheme; plots resize with their box.
 */
import uPlot from "uplot";
import { h } from "./dom.ts";
import { formatMs } from "./format.ts";
import type { Series } from "./series-model.ts";

export interface PlotOptions {
  title: string;
  /** `ms` formats the axis as durations; otherwise plain numbers. */
  unit: "ms" | "number";
}

const PLOT_HEIGHT = 150;

function cssVar(name: string, fallback: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;
}

function formatValue(unit: PlotOptions["unit"], value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "–";
  return unit === "ms" ? formatMs(value) : Number(value.toPrecision(4)).toString();
}

/** Mounts a plot in `container`; returns what removes it. */
export function linePlot(container: HTMLElement, series: Series, options: PlotOptions): () => void {
  const box = h("div", { class: "plot", role: "img", aria: { label: `${options.title}: ${series.ts.length} points` } });
  container.append(box);
  const axisColour = cssVar("--muted", "#666");
  const gridColour = cssVar("--grid", "#ddd");
  const axis = (): uPlot.Axis => ({ stroke: axisColour, grid: { stroke: gridColour, width: 1 }, ticks: { stroke: gridColour, width: 1 } });
  const plot = new uPlot(
    {
      width: Math.max(200, box.clientWidth || container.clientWidth || 400),
      height: PLOT_HEIGHT,
      legend: { show: true },
      cursor: { drag: { x: false, y: false } },
      series: [
        {},
        { label: "avg", stroke: cssVar("--plot-1", "#2b6cb0"), width: 1.5, value: (_u, v) => formatValue(options.unit, v) },
        { label: "max", stroke: cssVar("--plot-2", "#b7791f"), width: 1, dash: [4, 3], value: (_u, v) => formatValue(options.unit, v) },
      ],
      axes: [axis(), { ...axis(), size: 64, values: (_u, values) => values.map((v) => formatValue(options.unit, v)) }],
    },
    [series.ts, series.avg, series.max],
    box,
  );
  const observer = new ResizeObserver(() => {
    const width = box.clientWidth;
    if (width > 0 && Math.abs(width - plot.width) > 2) plot.setSize({ width, height: PLOT_HEIGHT });
  });
  observer.observe(box);
  return () => {
    observer.disconnect();
    plot.destroy();
    box.remove();
  };
}
