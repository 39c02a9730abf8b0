/**
 * The peer latency / loss / clock offset matrix of the whole cluster as a heatmap: row = the
 * node that measured, column = the peer. Drawn on a canvas so 200 × 200 cells stay cheap;
 * the arrow keys move a cursor over it and the worst links are also listed as a table.
 * Data: `/status?details` (per-peer measurements of every node, where the agent serves them),
 * re-read on live membership changes at most every few seconds.
 */
import { fetchStatus } from "../api.ts";
import { h, replaceChildren } from "../dom.ts";
import { formatMs } from "../format.ts";
import { bandLabels, heatBand, HEAT_TITLES, linkValue } from "../heat-scale.ts";
import { NETWORK_METRICS, nodeHref, routeHref, type NetworkMetric } from "../router.ts";
import type { ClusterModel } from "../status-model.ts";
import type { View, ViewContext } from "./view.ts";
import { choiceLinks, note } from "./widgets.ts";

const MATRIX_PX_MAX = 640;
const WORST_SHOWN = 20;
const REFETCH_GAP_MS = 5000;

function cssVar(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || "#888";
}

function formatValue(metric: NetworkMetric, value: number): string {
  return metric === "loss" ? `${value.toFixed(0)} %` : formatMs(value);
}

export function networkView(root: HTMLElement, metric: NetworkMetric, ctx: ViewContext): View {
  const canvas = h("canvas", { id: "heatmap", tabindex: 0, aria: { label: `${HEAT_TITLES[metric]} between every pair of nodes; arrow keys move the cursor` } });
  const readout = h("p", { class: "readout", id: "heatmap-readout", aria: { live: "polite" } }, " ");
  const body = h("div", {}, h("p", { class: "muted" }, "Loading…"));
  replaceChildren(
    root,
    h("h1", {}, "Network"),
    choiceLinks("Measurement", NETWORK_METRICS, metric, (m) => routeHref({ view: "network", metric: m })),
    body,
  );
  let model: ClusterModel | undefined;
  let names: string[] = [];
  let values = new Map<string, number>();
  let cursor = { row: 0, col: 0 };
  let lastFetch = 0;
  let pending: ReturnType<typeof setTimeout> | undefined;
  let destroyed = false;
  const key = (from: string, to: string) => `${from}\u0000${to}`;

  async function load(): Promise<void> {
    lastFetch = performance.now();
    try {
      model = await fetchStatus({ details: true });
    } catch (error) {
      if (!destroyed) replaceChildren(body, note(`Cannot read /status?details: ${error instanceof Error ? error.message : String(error)}`, "error"));
      return;
    }
    if (!destroyed) render();
  }

  function render(): void {
    if (!model) return;
    names = model.nodes.map((n) => n.name).sort();
    values = new Map();
    for (const node of model.nodes) {
      for (const link of node.peers) {
        const value = linkValue(link, metric);
        if (value !== undefined) values.set(key(node.name, link.peer), value);
      }
    }
    if (values.size === 0) {
      replaceChildren(body, note(`No per-peer ${HEAT_TITLES[metric]} in this agent's data yet: nodes report them with their details, and slow, lossy or drifting links show up from the latency and time-drift probes.`));
      return;
    }
    const labels = bandLabels(metric);
    const legend = h("ul", { class: "legend", aria: { label: "Colour scale" } }, ...labels.map((label, i) => h("li", {}, h("span", { class: `swatch heat-${i}` }), label)), h("li", {}, h("span", { class: "swatch heat-none" }), "no data"));
    const worst = [...values.entries()].sort((a, b) => b[1] - a[1]).slice(0, WORST_SHOWN);
    const worstTable = h(
      "table",
      { class: "worst", id: "worst-links" },
      h("caption", {}, `Worst links by ${HEAT_TITLES[metric]}`),
      h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "From"), h("th", { scope: "col" }, "To"), h("th", { scope: "col" }, HEAT_TITLES[metric]))),
      h(
        "tbody",
        {},
        ...worst.map(([k, v]) => {
          const [from = "", to = ""] = k.split("\u0000");
          return h("tr", {}, h("td", {}, h("a", { href: nodeHref(from) }, from)), h("td", {}, h("a", { href: nodeHref(to) }, to)), h("td", {}, formatValue(metric, v)));
        }),
      ),
    );
    replaceChildren(body, h("p", { class: "muted" }, `${names.length} nodes, ${values.size} measured links; row: the node that measured, column: the peer.`), legend, h("div", { class: "heatmap-wrap" }, canvas), readout, worstTable);
    draw();
  }

  function draw(): void {
    const n = names.length;
    const cell = Math.max(2, Math.min(24, Math.floor(MATRIX_PX_MAX / Math.max(1, n))));
    const ratio = window.devicePixelRatio || 1;
    const size = cell * n;
    canvas.width = size * ratio;
    canvas.height = size * ratio;
    canvas.style.width = `${size}px`;
    canvas.style.height = `${size}px`;
    const g = canvas.getContext("2d");
    if (!g) return;
    g.scale(ratio, ratio);
    const palette = [0, 1, 2, 3, 4, 5].map((i) => cssVar(`--heat-${i}`));
    const none = cssVar("--heat-none");
    for (let r = 0; r < n; r++) {
      for (let c = 0; c < n; c++) {
        const value = r === c ? undefined : values.get(key(names[r]!, names[c]!));
        g.fillStyle = value === undefined ? none : palette[heatBand(metric, value)]!;
        g.fillRect(c * cell, r * cell, cell - (cell > 4 ? 1 : 0), cell - (cell > 4 ? 1 : 0));
      }
    }
    if (document.activeElement === canvas) {
      g.strokeStyle = cssVar("--fg");
      g.lineWidth = 2;
      g.strokeRect(cursor.col * cell + 1, cursor.row * cell + 1, cell - 2, cell - 2);
    }
    canvas.dataset.cell = String(cell);
  }

  function describe(row: number, col: number): void {
    const from = names[row];
    const to = names[col];
    if (from === undefined || to === undefined) return;
    const value = values.get(key(from, to));
    readout.textContent = from === to ? `${from} (itself)` : `${from} → ${to}: ${value === undefined ? "no data" : formatValue(metric, value)}`;
  }

  canvas.addEventListener("mousemove", (e) => {
    const cell = Number(canvas.dataset.cell) || 1;
    describe(Math.floor(e.offsetY / cell), Math.floor(e.offsetX / cell));
  });
  canvas.addEventListener("focus", () => (draw(), describe(cursor.row, cursor.col)));
  canvas.addEventListener("blur", draw);
  canvas.addEventListener("keydown", (e) => {
    const moves: Record<string, [number, number]> = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };
    const move = moves[e.key];
    if (e.key === "Enter") {
      const name = names[cursor.col];
      if (name !== undefined) location.hash = nodeHref(name);
      return;
    }
    if (!move) return;
    e.preventDefault();
    const last = names.length - 1;
    cursor = { row: Math.min(last, Math.max(0, cursor.row + move[0])), col: Math.min(last, Math.max(0, cursor.col + move[1])) };
    draw();
    describe(cursor.row, cursor.col);
  });

  void load();
  return {
    statusChanged() {
      if (pending !== undefined || destroyed) return;
      const wait = Math.max(0, REFETCH_GAP_MS - (performance.now() - lastFetch));
      pending = setTimeout(() => {
        pending = undefined;
        void load();
      }, wait);
    },
    tick() {},
    event() {},
    resync() {
      void load();
    },
    destroy() {
      destroyed = true;
      if (pending !== undefined) clearTimeout(pending);
    },
  };
}
