/**
 * One node: its member facts, every probe (status, severity, error, detail, data), plots of
 * each check's run durations and of measured numbers over 1 h / 24 h / 7 d (from
 * /history/series), and its round trip, loss and clock offset to each peer where the agent
 * serves them (`/status?details`, else the latency and time-drift probes' findings); its statsd
 * and graphite intake series (intake-section.ts).
 */
import { fetchMetricSeries, fetchProbeSeries, fetchStatus } from "../api.ts";
import { h, replaceChildren } from "../dom.ts";
import { ago, formatMs, formatTime } from "../format.ts";
import { linePlot } from "../plots.ts";
import { RANGES, routeHref, type Range } from "../router.ts";
import type { Series } from "../series-model.ts";
import type { NodeRow } from "../status-model.ts";
import type { View, ViewContext } from "./view.ts";
import { intakeSection } from "./intake-section.ts";
import { choiceLinks, maintenanceBadge, note, pill } from "./widgets.ts";

/** Per-peer numbers the agent keeps as series (docs/history.md). */
const PEER_METRICS = [
  { metric: "peer.rttP95Ms", title: "round trip to peers, p95", unit: "ms" },
  { metric: "peer.clockOffsetMs", title: "clock offset to peers", unit: "ms" },
  { metric: "peer.lossPercent", title: "probes lost to peers, %", unit: "number" },
] as const;

/** Plots fetched at once: the agent serves them from the same SQLite file. */
const FETCHES_CONCURRENT = 4;

export function nodeView(root: HTMLElement, name: string, range: Range, ctx: ViewContext): View {
  const header = h("div", { class: "node-header" });
  const facts = h("section", { aria: { label: "Node facts" } });
  const probes = h("section", { aria: { label: "Probes" } });
  const peers = h("section", { aria: { label: "Peers" } });
  const durationPlots = h("div", { class: "plots", id: "duration-plots" });
  const metricPlots = h("div", { class: "plots", id: "metric-plots" });
  const plotNote = h("div");
  const intake = intakeSection(name, range);
  replaceChildren(
    root,
    header,
    facts,
    h("h2", {}, "Probes"),
    probes,
    h("div", { class: "section-head" }, h("h2", {}, "History"), choiceLinks("Time range", RANGES, range, (r) => routeHref({ view: "node", name, range: r }))),
    plotNote,
    h("h3", {}, "Probe run durations"),
    durationPlots,
    h("h3", {}, "Measurements"),
    metricPlots,
    intake.element,
    h("h2", {}, "Peers"),
    peers,
  );
  let destroyed = false;
  let plotCleanups: (() => void)[] = [];
  let details: NodeRow | undefined;
  let plottedCheckers = "";
  /** Each load of the plots supersedes the one before; a stale load stops at its next step. */
  let generation = 0;

  const node = (): NodeRow | undefined => ctx.store.current()?.nodes.find((n) => n.name === name);

  function renderNode(): void {
    const row = node();
    const error = ctx.store.error();
    if (!row) {
      replaceChildren(header, h("h1", {}, name));
      replaceChildren(facts, error ? note(`Cannot read /status: ${error}`, "error") : ctx.store.current() ? note(`No node named "${name}" in this agent's view of the cluster.`) : null);
      replaceChildren(probes);
      return;
    }
    replaceChildren(header, h("h1", {}, row.name, " ", pill(row.status), row.maintenance ? maintenanceBadge(row.maintenance) : null), h("a", { href: routeHref({ view: "timeline", filter: { node: row.name, since: "24h" } }) }, "Timeline of this node"));
    const tags = Object.entries(row.tags).map(([k, v]) => h("li", {}, h("code", {}, `${k}=${v}`)));
    replaceChildren(
      facts,
      h(
        "dl",
        { class: "facts" },
        h("div", {}, h("dt", {}, "member"), h("dd", {}, row.member === "alive" ? "alive" : pill(row.member))),
        h("div", {}, h("dt", {}, "address"), h("dd", {}, row.addr ?? "–")),
        h("div", {}, h("dt", {}, "role"), h("dd", {}, row.role ?? "–")),
        h("div", {}, h("dt", {}, "reported"), h("dd", {}, row.reportedAtMs === undefined ? "–" : h("span", { title: formatTime(row.reportedAtMs), class: "reported", dataset: { at: String(row.reportedAtMs) } }, ago(row.reportedAtMs, ctx.now())))),
        h("div", {}, h("dt", {}, "tags"), h("dd", {}, tags.length > 0 ? h("ul", { class: "tags" }, tags) : "–")),
      ),
    );
    replaceChildren(
      probes,
      row.probes.length === 0
        ? note("This agent has no probe results for this node (yet).")
        : h(
            "div",
            { class: "table-wrap" },
            h(
              "table",
              { class: "probes", id: "probes" },
              h("thead", {}, h("tr", {}, ...["Probe", "Status", "Severity", "Error", "Detail"].map((t) => h("th", { scope: "col" }, t)))),
              h(
                "tbody",
                {},
                ...[...row.probes]
                  .sort((a, b) => Number(a.status === "running") - Number(b.status === "running") || (a.checker < b.checker ? -1 : 1))
                  .map((p) =>
                    h(
                      "tr",
                      { dataset: { checker: p.checker, status: p.status } },
                      h("th", { scope: "row" }, p.checker),
                      h("td", {}, pill(p.status), p.maintenance ? maintenanceBadge(p.maintenance) : null),
                      h("td", {}, p.severity === "warning" ? pill("warning") : "critical"),
                      h("td", { class: "error" }, p.error ?? ""),
                      h(
                        "td",
                        { class: "detail" },
                        p.detail ?? "",
                        p.code ? h("div", { class: "muted small" }, `code ${p.code}`) : null,
                        p.data === undefined ? null : h("details", {}, h("summary", {}, "data"), h("pre", {}, JSON.stringify(p.data, null, 2).slice(0, 8192))),
                      ),
                    ),
                  ),
              ),
            ),
          ),
    );
    const checkers = [...new Set(row.probes.map((p) => p.checker))].sort().join("\n");
    if (checkers !== plottedCheckers) {
      plottedCheckers = checkers;
      void loadPlots();
    }
  }

  function renderPeers(): void {
    const row = details ?? node();
    const links = row?.peers ?? [];
    if (links.length === 0) {
      replaceChildren(peers, note("No per-peer round trip or clock offset from this node in this agent's data. The plots above show them over time when history has them."));
      return;
    }
    replaceChildren(
      peers,
      h(
        "div",
        { class: "table-wrap" },
        h(
          "table",
          { class: "peers", id: "peers" },
          h("thead", {}, h("tr", {}, ...["Peer", "Round trip (p95)", "Loss", "Clock offset"].map((t) => h("th", { scope: "col" }, t)))),
          h(
            "tbody",
            {},
            ...links.map((l) =>
              h(
                "tr",
                {},
                h("th", { scope: "row" }, h("a", { href: routeHref({ view: "node", name: l.peer, range }) }, l.peer)),
                h("td", {}, l.rttMs === undefined ? "–" : formatMs(l.rttMs)),
                h("td", {}, l.lossPercent === undefined ? "–" : `${l.lossPercent.toFixed(0)} %`),
                h("td", {}, l.clockOffsetMs === undefined ? "–" : formatMs(l.clockOffsetMs)),
              ),
            ),
          ),
        ),
      ),
    );
  }

  async function loadDetails(): Promise<void> {
    try {
      const model = await fetchStatus({ details: true });
      if (destroyed) return;
      details = model.nodes.find((n) => n.name === name);
    } catch {
      details = undefined;
    }
    renderPeers();
    void loadPlots();
  }

  async function loadPlots(): Promise<void> {
    const gen = ++generation;
    const stale = () => destroyed || gen !== generation;
    for (const cleanup of plotCleanups) cleanup();
    plotCleanups = [];
    const checkers = plottedCheckers === "" ? [] : plottedCheckers.split("\n");
    const metricNames = [...new Set([...(details?.metrics ?? []).map((m) => m.metric)])].sort();
    const jobs: { into: HTMLElement; title: string; unit: "ms" | "number"; fetch: () => Promise<Series> }[] = [
      ...checkers.map((c) => ({ into: durationPlots, title: c, unit: "ms" as const, fetch: () => fetchProbeSeries(name, c, range) })),
      ...PEER_METRICS.map((m) => ({ into: metricPlots, title: m.title, unit: m.unit, fetch: () => fetchMetricSeries(name, m.metric, range) })),
      ...metricNames.map((m) => ({ into: metricPlots, title: m, unit: "number" as const, fetch: () => fetchMetricSeries(name, m, range) })),
    ];
    replaceChildren(durationPlots);
    replaceChildren(metricPlots);
    const cards = jobs.map((job) => {
      const card = h("figure", { class: "plot-card" }, h("figcaption", {}, job.title));
      job.into.append(card);
      return { job, card };
    });
    let failures = 0;
    let next = 0;
    const worker = async () => {
      while (next < cards.length && !stale()) {
        const { job, card } = cards[next++]!;
        try {
          const series = await job.fetch();
          if (stale()) return;
          if (series.ts.length === 0) {
            card.remove();
            continue;
          }
          plotCleanups.push(linePlot(card, series, { title: job.title, unit: job.unit }));
        } catch {
          failures++;
          card.remove();
        }
      }
    };
    await Promise.all(Array.from({ length: FETCHES_CONCURRENT }, worker));
    if (stale()) return;
    if (durationPlots.childElementCount === 0) durationPlots.append(note(`No runs of ${name}'s checks in this agent's history for the last ${range} (an agent records the runs of its own checks: ${name}'s dashboard has them).`));
    if (metricPlots.childElementCount === 0) metricPlots.append(note(`No measured numbers of ${name} in history for the last ${range}.`));
    replaceChildren(plotNote, failures > 0 ? note(`${failures} series could not be read from /history/series.`, "error") : null);
  }

  renderNode();
  renderPeers();
  void loadDetails();
  return {
    statusChanged() {
      renderNode();
      if (!details) renderPeers();
    },
    tick() {
      for (const el of facts.querySelectorAll<HTMLElement>(".reported[data-at]")) el.textContent = ago(Number(el.dataset.at), ctx.now());
    },
    event() {},
    resync() {
      void loadDetails();
      intake.reload();
    },
    destroy() {
      destroyed = true;
      intake.destroy();
      for (const cleanup of plotCleanups) cleanup();
    },
  };
}
