/**
 * The cluster timeline from /history with filters (node, probe, event type, time range), kept
 * current by live events: a state change that matches the filters is added at the top the
 * moment it happens. Node names link to the node view.
 */
import { TIMELINE_EVENT_TYPES } from "../../../events/timeline-event.ts";
import { fetchTimeline, TIMELINE_LIMIT } from "../api.ts";
import { h, replaceChildren } from "../dom.ts";
import { formatTime } from "../format.ts";
import { nodeHref, TIMELINE_SINCE, type TimelineFilter, type TimelineSince } from "../router.ts";
import { readTimelineRow, rowMatches, TIMELINE_ROWS_MAX, type TimelineRow } from "../timeline-model.ts";
import type { View, ViewContext } from "./view.ts";
import { note, pill } from "./widgets.ts";

const rowKey = (r: TimelineRow) => `${r.timestampMs}|${r.type}|${r.node ?? ""}|${r.probe ?? ""}|${r.newState ?? ""}`;

export function timelineView(root: HTMLElement, initial: TimelineFilter, ctx: ViewContext): View {
  let filter: TimelineFilter = { ...initial };
  let rows: TimelineRow[] = [];
  let loading = 0;
  const nodeSelect = h("select", { id: "timeline-node", name: "node" });
  const probeInput = h("input", { id: "timeline-probe", name: "probe", type: "search", placeholder: "check name" });
  const probeChoices = h("datalist", { id: "timeline-probes" });
  probeInput.setAttribute("list", "timeline-probes");
  const typeSelect = h("select", { id: "timeline-type", name: "type" }, h("option", { value: "" }, "any event"), ...TIMELINE_EVENT_TYPES.map((t) => h("option", { value: t }, t)));
  const sinceSelect = h("select", { id: "timeline-since", name: "since" }, ...TIMELINE_SINCE.map((s) => h("option", { value: s }, `last ${s}`)));
  probeInput.value = filter.probe ?? "";
  typeSelect.value = filter.type ?? "";
  sinceSelect.value = filter.since;
  const onFilter = () => {
    filter = { node: nodeSelect.value || undefined, probe: probeInput.value.trim() || undefined, type: typeSelect.value || undefined, since: sinceSelect.value as TimelineSince };
    ctx.navigate({ view: "timeline", filter }, true);
    void load();
  };
  for (const control of [nodeSelect, typeSelect, sinceSelect]) control.addEventListener("change", onFilter);
  probeInput.addEventListener("change", onFilter);
  const form = h(
    "form",
    { class: "filters", role: "search", aria: { label: "Filter the timeline" }, on: { submit: (e) => (e.preventDefault(), onFilter()) } },
    h("label", { for: "timeline-node" }, "Node ", nodeSelect),
    h("label", { for: "timeline-probe" }, "Probe ", probeInput, probeChoices),
    h("label", { for: "timeline-type" }, "Event ", typeSelect),
    h("label", { for: "timeline-since" }, "Range ", sinceSelect),
  );
  const status = h("div", { id: "timeline-status", aria: { live: "polite" } });
  const tbody = h("tbody");
  const table = h(
    "table",
    { class: "timeline", id: "timeline" },
    h("thead", {}, h("tr", {}, ...["Time", "Event", "Node", "Probe", "Change"].map((t) => h("th", { scope: "col" }, t)))),
    tbody,
  );
  replaceChildren(root, h("h1", {}, "Timeline"), form, status, h("div", { class: "table-wrap" }, table));

  function renderChoices(): void {
    const model = ctx.store.current();
    const names = [...new Set([...(model?.nodes.map((n) => n.name) ?? []), ...(filter.node ? [filter.node] : [])])].sort();
    if (nodeSelect.options.length !== names.length + 1 || names.some((n, i) => nodeSelect.options[i + 1]?.value !== n)) {
      replaceChildren(nodeSelect, h("option", { value: "" }, "any node"), ...names.map((n) => h("option", { value: n }, n)));
      nodeSelect.value = filter.node ?? "";
    }
    const checkers = [...new Set(model?.nodes.flatMap((n) => n.probes.map((p) => p.checker)) ?? [])].sort();
    replaceChildren(probeChoices, ...checkers.map((c) => h("option", { value: c })));
  }

  function renderRows(): void {
    replaceChildren(
      tbody,
      ...rows.map((r) =>
        h(
          "tr",
          { dataset: { type: r.type } },
          h("td", { class: "nowrap" }, formatTime(r.timestampMs)),
          h("td", {}, r.type),
          h("td", {}, r.node ? h("a", { href: nodeHref(r.node) }, r.node) : h("span", { class: "muted" }, "cluster")),
          h("td", {}, r.probe ?? ""),
          h("td", {}, r.oldState ? [pill(r.oldState), " → "] : null, r.newState ? pill(r.newState) : null, r.error ? h("div", { class: "error small" }, r.error) : null),
        ),
      ),
    );
  }

  async function load(): Promise<void> {
    const ticket = ++loading;
    replaceChildren(status, h("p", { class: "muted" }, "Loading…"));
    try {
      const fetched = await fetchTimeline(filter);
      if (ticket !== loading) return;
      rows = fetched;
      replaceChildren(status, h("p", { class: "muted", id: "timeline-count" }, `${rows.length} event${rows.length === 1 ? "" : "s"}, newest first${rows.length >= TIMELINE_LIMIT ? ` (the newest ${TIMELINE_LIMIT})` : ""}`));
    } catch (error) {
      if (ticket !== loading) return;
      rows = [];
      replaceChildren(status, note(`Cannot read /history: ${error instanceof Error ? error.message : String(error)}`, "error"));
    }
    renderRows();
  }

  renderChoices();
  void load();
  return {
    statusChanged: renderChoices,
    tick() {},
    event(event) {
      const row = readTimelineRow(event);
      if (!row || !rowMatches(row, filter, ctx.now())) return;
      const key = rowKey(row);
      if (rows.some((r) => rowKey(r) === key)) return;
      rows = [row, ...rows].slice(0, TIMELINE_ROWS_MAX);
      renderRows();
    },
    resync() {
      void load();
    },
    destroy() {
      loading++;
    },
  };
}
