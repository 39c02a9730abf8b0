/**
 * The node view's statsd and graphite intake series: the names this agent's history keeps
 * for the node, a filter box, and a small plot of each of the first twelve that match.
 * Only the agent that received the packets has them: another node's intake is on its own
 * dashboard.
 */
import { fetchIntakeSeriesNames, fetchMetricSeries } from "../api.ts";
import { h, replaceChildren } from "../dom.ts";
import { INTAKE_PLOTS_MAX, intakeTitle, pickIntakeSeries } from "../intake-model.ts";
import { linePlot } from "../plots.ts";
import type { Range } from "../router.ts";
import { note } from "./widgets.ts";

export interface IntakeSection {
  element: HTMLElement;
  /** Reads the names again (a resync) and re-plots. */
  reload(): void;
  destroy(): void;
}

export function intakeSection(node: string, range: Range): IntakeSection {
  const filterInput = h("input", { type: "search", id: "intake-filter", name: "intake-filter", placeholder: "filter by name", aria: { label: "Filter intake series" } });
  const summary = h("p", { class: "muted", id: "intake-summary" });
  const plots = h("div", { class: "plots", id: "intake-plots" });
  const element = h("section", { id: "intake", aria: { label: "Intake series" } }, h("h3", {}, "Intake series (statsd, graphite)"), h("label", { for: "intake-filter" }, "Filter ", filterInput), summary, plots);
  let names: string[] = [];
  let cleanups: (() => void)[] = [];
  let generation = 0;
  let destroyed = false;

  async function plot(): Promise<void> {
    const gen = ++generation;
    for (const cleanup of cleanups) cleanup();
    cleanups = [];
    replaceChildren(plots);
    const { shown, matching } = pickIntakeSeries(names, filterInput.value);
    if (names.length === 0) {
      replaceChildren(summary, note(`No statsd or graphite series of ${node} in this agent's history (the agent that received them has them; see --statsd-addr and --graphite-addr).`));
      return;
    }
    replaceChildren(summary, matching > shown.length ? `${shown.length} of ${matching} matching series shown (the first ${INTAKE_PLOTS_MAX} by name); narrow them with the filter.` : `${matching} of ${names.length} series.`);
    // One after another: twelve small fetches, each superseded when the filter changes.
    for (const name of shown) {
      const card = h("figure", { class: "plot-card", dataset: { series: name } }, h("figcaption", {}, intakeTitle(name)));
      plots.append(card);
      try {
        const series = await fetchMetricSeries(node, name, range);
        if (destroyed || gen !== generation) return;
        if (series.ts.length === 0) card.append(note("no points in this range"));
        else cleanups.push(linePlot(card, series, { title: intakeTitle(name), unit: "number" }));
      } catch {
        if (destroyed || gen !== generation) return;
        card.append(note("cannot read this series", "error"));
      }
    }
  }

  async function load(): Promise<void> {
    try {
      names = await fetchIntakeSeriesNames(node);
    } catch {
      names = [];
    }
    if (!destroyed) void plot();
  }

  filterInput.addEventListener("input", () => void plot());
  void load();
  return {
    element,
    reload: () => void load(),
    destroy() {
      destroyed = true;
      for (const cleanup of cleanups) cleanup();
    },
  };
}
