/**
 * Every node at a glance: the cluster summary, filters (status, role, tag, name) and one row
 * per node with its status, role, member state, failing probes with their errors and how long
 * ago it reported. Rows are keyed by node name and rebuilt only when their content changed,
 * so a live update at 200 nodes touches a few rows and keeps the keyboard focus where it was.
 */
import { countNodes, filterAndSort, HEALTH_FILTERS, MEMBER_FILTERS, rolesOf, type ClusterFilter } from "../cluster-filter.ts";
import { h, replaceChildren } from "../dom.ts";
import { ago, clip, formatTime } from "../format.ts";
import { nodeHref } from "../router.ts";
import type { NodeRow } from "../status-model.ts";
import type { View, ViewContext } from "./view.ts";
import { maintenanceBadge, maintenanceLine, note, pill } from "./widgets.ts";

const ERROR_CHARS_SHOWN = 240;

export function clusterView(root: HTMLElement, initial: ClusterFilter, ctx: ViewContext): View {
  let filter: ClusterFilter = { ...initial };
  const summary = h("section", { class: "summary", aria: { label: "Cluster summary" } });
  const roleSelect = h("select", { id: "filter-role", name: "role" });
  const statusSelect = h(
    "select",
    { id: "filter-status", name: "status" },
    h("option", { value: "" }, "any status"),
    h("optgroup", {}, ...HEALTH_FILTERS.map((s) => h("option", { value: s }, s))),
    ...MEMBER_FILTERS.map((s) => h("option", { value: s }, `member ${s}`)),
  );
  const tagInput = h("input", { id: "filter-tag", name: "tag", type: "search", placeholder: "key=value" });
  const searchInput = h("input", { id: "filter-search", name: "q", type: "search", placeholder: "node name" });
  statusSelect.value = filter.status ?? "";
  tagInput.value = filter.tag ?? "";
  searchInput.value = filter.search ?? "";
  const onFilter = () => {
    filter = { status: statusSelect.value || undefined, role: roleSelect.value || undefined, tag: tagInput.value || undefined, search: searchInput.value || undefined };
    ctx.navigate({ view: "cluster", filter }, true);
    renderRows();
  };
  for (const control of [statusSelect, roleSelect]) control.addEventListener("change", onFilter);
  for (const control of [tagInput, searchInput]) control.addEventListener("input", onFilter);
  const filters = h(
    "form",
    { class: "filters", role: "search", aria: { label: "Filter nodes" }, on: { submit: (e) => e.preventDefault() } },
    h("label", { for: "filter-status" }, "Status ", statusSelect),
    h("label", { for: "filter-role" }, "Role ", roleSelect),
    h("label", { for: "filter-tag" }, "Tag ", tagInput),
    h("label", { for: "filter-search" }, "Name ", searchInput),
  );
  const shown = h("p", { class: "muted", id: "nodes-shown", aria: { live: "polite" } });
  const tbody = h("tbody");
  const table = h(
    "table",
    { class: "nodes", id: "nodes", aria: { describedby: "nodes-shown" } },
    h("caption", { class: "visually-hidden" }, "Nodes"),
    h("thead", {}, h("tr", {}, ...["Node", "Status", "Role", "Member", "Failing probes", "Reported"].map((t) => h("th", { scope: "col" }, t)))),
    tbody,
  );
  const problem = h("div");
  replaceChildren(root, h("h1", {}, "Cluster"), summary, problem, filters, shown, h("div", { class: "table-wrap" }, table));

  const rows = new Map<string, { signature: string; tr: HTMLTableRowElement; node: NodeRow }>();
  let roleChoices = "";

  function renderSummary(): void {
    const model = ctx.store.current();
    const error = ctx.store.error();
    replaceChildren(problem, error ? note(`Cannot read /status: ${error}`, "error") : null);
    if (!model) return;
    const counts = countNodes(model.nodes);
    replaceChildren(
      summary,
      h("div", { class: "summary-status" }, pill(model.status, model.status === "unknown" ? "status unknown" : model.status), h("span", { class: "summary-text", id: "cluster-summary" }, model.summary || (model.status === "running" ? "all nodes healthy" : ""))),
      h(
        "dl",
        { class: "counts" },
        ...(
          [
            ["nodes", counts.nodes],
            ["running", counts.running],
            ["degraded", counts.degraded],
            ["unknown", counts.unknown],
            ["failed members", counts.failedMembers],
            ["failing probes", counts.failingProbes],
          ] as const
        ).map(([label, value]) => h("div", {}, h("dt", {}, label), h("dd", {}, value))),
      ),
      model.timestampMs === undefined ? null : h("p", { class: "muted" }, `as of ${formatTime(model.timestampMs)}`),
      model.maintenance.length === 0
        ? null
        : h("div", { class: "maintenance-windows", id: "maintenance-windows" }, h("h2", {}, "Maintenance"), h("ul", {}, model.maintenance.map((w) => h("li", {}, maintenanceLine(w), " ", maintenanceBadge(w))))),
    );
    const roles = rolesOf(model.nodes);
    if (roles.join("\n") !== roleChoices) {
      roleChoices = roles.join("\n");
      replaceChildren(roleSelect, h("option", { value: "" }, "any role"), ...roles.map((r) => h("option", { value: r }, r)));
      if (filter.role && !roles.includes(filter.role)) roleSelect.append(h("option", { value: filter.role }, filter.role));
      roleSelect.value = filter.role ?? "";
    }
  }

  function reportedCell(node: NodeRow): HTMLTableCellElement {
    if (node.reportedAtMs === undefined) return h("td", { class: "reported muted" }, "–");
    return h("td", { class: "reported", title: formatTime(node.reportedAtMs), dataset: { at: String(node.reportedAtMs) } }, ago(node.reportedAtMs, ctx.now()));
  }

  function buildRow(node: NodeRow): HTMLTableRowElement {
    const failing = node.failing.map((p) =>
      h(
        "li",
        {},
        h("span", { class: "checker" }, p.checker),
        p.severity === "warning" ? h("span", { class: "tag-warning" }, " warning") : null,
        p.maintenance ? maintenanceBadge(p.maintenance) : null,
        p.error ? h("span", { class: "error", title: p.error }, `: ${clip(p.error, ERROR_CHARS_SHOWN)}`) : null,
      ),
    );
    return h(
      "tr",
      { dataset: { node: node.name, status: node.status } },
      h("th", { scope: "row" }, h("a", { href: nodeHref(node.name) }, node.name), node.addr ? h("div", { class: "muted small" }, node.addr) : null),
      h("td", {}, pill(node.status), node.maintenance ? maintenanceBadge(node.maintenance) : null),
      h("td", {}, node.role ?? h("span", { class: "muted" }, "–")),
      h("td", {}, node.member === "alive" ? "alive" : pill(node.member)),
      h("td", { class: "failing" }, failing.length > 0 ? h("ul", {}, failing) : h("span", { class: "muted" }, node.probes.length > 0 ? "none" : "–")),
      reportedCell(node),
    );
  }

  function renderRows(): void {
    const model = ctx.store.current();
    if (!model) return;
    const visible = filterAndSort(model.nodes, filter);
    const seen = new Set<string>();
    for (const node of visible) {
      seen.add(node.name);
      const signature = JSON.stringify([node.status, node.member, node.role, node.addr, node.failing, node.probes.length, node.reportedAtMs, node.maintenance]);
      const existing = rows.get(node.name);
      if (existing && existing.signature === signature) {
        existing.node = node;
        continue;
      }
      const tr = buildRow(node);
      existing?.tr.replaceWith(tr);
      rows.set(node.name, { signature, tr, node });
    }
    for (const [name, row] of rows) {
      if (!seen.has(name)) {
        row.tr.remove();
        rows.delete(name);
      }
    }
    // Reorder only when the order changed: moving a row would take the focus from a link in it.
    const current = [...tbody.children];
    if (current.length !== visible.length || visible.some((n, i) => current[i] !== rows.get(n.name)?.tr)) {
      for (const node of visible) tbody.appendChild(rows.get(node.name)!.tr);
    }
    shown.textContent = `${visible.length} of ${model.nodes.length} nodes shown${visible.length === 0 && model.nodes.length > 0 ? " (no node matches the filters)" : ""}`;
  }

  const render = () => {
    renderSummary();
    renderRows();
  };
  render();
  return {
    statusChanged: render,
    tick() {
      const now = ctx.now();
      for (const cell of tbody.querySelectorAll<HTMLTableCellElement>("td.reported[data-at]")) cell.textContent = ago(Number(cell.dataset.at), now);
    },
    event() {},
    resync() {},
    destroy() {},
  };
}
