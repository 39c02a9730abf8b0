import { escapeHelp, formatLabels, formatValue, LABEL_NAME, METRIC_NAME } from "./exposition.ts";

export type Labels<L extends string> = Readonly<Record<L, string>>;

interface Family {
  render(lines: string[]): void;
}

export interface Counter<L extends string = never> {
  /** Adds `by` (default 1, must not be negative) to the child with these labels. */
  inc(labels?: Labels<L>, by?: number): void;
  get(labels?: Labels<L>): number;
}

export interface Gauge<L extends string = never> {
  set(labels: Labels<L> | undefined, value: number): void;
  inc(labels?: Labels<L>, by?: number): void;
  get(labels?: Labels<L>): number;
  /** Forgets one child (a node that left, a probe no longer configured). */
  remove(labels: Labels<L>): void;
  /** Forgets every child, before setting the current set again. */
  clear(): void;
}

export interface Histogram<L extends string = never> {
  observe(labels: Labels<L> | undefined, value: number): void;
  /** Count and sum of one child, for tests. */
  get(labels?: Labels<L>): { count: number; sum: number };
}

export interface MetricOptions<L extends string> {
  name: string;
  help: string;
  labelNames?: readonly L[];
}

/**
 * A small Prometheus registry: counters, gauges and histograms with labels, rendered in the
 * text format. Children are created on first use; label values are escaped on render. The
 * caller chooses label values from bounded sets (names, kinds, reasons), never error text.
 */
export interface Registry {
  counter<L extends string = never>(options: MetricOptions<L>): Counter<L>;
  gauge<L extends string = never>(options: MetricOptions<L>): Gauge<L>;
  histogram<L extends string = never>(options: MetricOptions<L> & { buckets: readonly number[] }): Histogram<L>;
  render(): string;
}

export function createRegistry(): Registry {
  const families = new Map<string, Family>();

  const register = <L extends string>(options: MetricOptions<L>, family: Family): void => {
    if (!METRIC_NAME.test(options.name)) throw new Error(`invalid metric name ${JSON.stringify(options.name)}`);
    for (const l of options.labelNames ?? []) {
      if (!LABEL_NAME.test(l) || l.startsWith("__") || l === "le") throw new Error(`invalid label name ${JSON.stringify(l)} on ${options.name}`);
    }
    if (families.has(options.name)) throw new Error(`metric ${options.name} registered twice`);
    families.set(options.name, family);
  };

  return {
    counter<L extends string = never>(options: MetricOptions<L>): Counter<L> {
      const values = createChildren<L, number>(options.labelNames ?? []);
      register(options, {
        render: (lines) => renderSimple(lines, options, "counter", values),
      });
      return {
        inc(labels, by = 1) {
          if (!(by >= 0)) throw new Error(`counter ${options.name} can only go up (got ${by})`);
          values.update(labels, (v) => (v ?? 0) + by);
        },
        get: (labels) => values.get(labels) ?? 0,
      };
    },
    gauge<L extends string = never>(options: MetricOptions<L>): Gauge<L> {
      const values = createChildren<L, number>(options.labelNames ?? []);
      register(options, { render: (lines) => renderSimple(lines, options, "gauge", values) });
      return {
        set: (labels, value) => values.update(labels, () => value),
        inc: (labels, by = 1) => values.update(labels, (v) => (v ?? 0) + by),
        get: (labels) => values.get(labels) ?? 0,
        remove: (labels) => values.remove(labels),
        clear: () => values.clear(),
      };
    },
    histogram<L extends string = never>(options: MetricOptions<L> & { buckets: readonly number[] }): Histogram<L> {
      const bounds = [...options.buckets].sort((a, b) => a - b);
      const values = createChildren<L, { counts: number[]; sum: number; count: number }>(options.labelNames ?? []);
      register(options, {
        render(lines) {
          header(lines, options, "histogram");
          const names = options.labelNames ?? [];
          for (const [labelValues, h] of values.entries()) {
            let cumulative = 0;
            bounds.forEach((bound, i) => {
              cumulative += h.counts[i] ?? 0;
              lines.push(`${options.name}_bucket${formatLabels([...names, "le"], [...labelValues, formatValue(bound)])} ${cumulative}`);
            });
            lines.push(`${options.name}_bucket${formatLabels([...names, "le"], [...labelValues, "+Inf"])} ${h.count}`);
            lines.push(`${options.name}_sum${formatLabels(names, labelValues)} ${formatValue(h.sum)}`);
            lines.push(`${options.name}_count${formatLabels(names, labelValues)} ${h.count}`);
          }
        },
      });
      return {
        observe(labels, value) {
          values.update(labels, (h) => {
            const next = h ?? { counts: bounds.map(() => 0), sum: 0, count: 0 };
            const index = bounds.findIndex((b) => value <= b);
            if (index >= 0) next.counts[index] = (next.counts[index] ?? 0) + 1;
            next.sum += value;
            next.count += 1;
            return next;
          });
        },
        get: (labels) => {
          const h = values.get(labels);
          return { count: h?.count ?? 0, sum: h?.sum ?? 0 };
        },
      };
    },
    render() {
      const lines: string[] = [];
      for (const family of families.values()) family.render(lines);
      return `${lines.join("\n")}\n`;
    },
  };
}

function header(lines: string[], options: { name: string; help: string }, type: string): void {
  lines.push(`# HELP ${options.name} ${escapeHelp(options.help)}`);
  lines.push(`# TYPE ${options.name} ${type}`);
}

function renderSimple<L extends string>(
  lines: string[],
  options: MetricOptions<L>,
  type: string,
  values: Children<L, number>,
): void {
  header(lines, options, type);
  const names = options.labelNames ?? [];
  // A metric without labels always has its one sample, starting at 0.
  if (names.length === 0 && values.size() === 0) lines.push(`${options.name} 0`);
  for (const [labelValues, v] of values.entries()) lines.push(`${options.name}${formatLabels(names, labelValues)} ${formatValue(v)}`);
}

interface Children<L extends string, V> {
  get(labels: Labels<L> | undefined): V | undefined;
  update(labels: Labels<L> | undefined, fn: (v: V | undefined) => V): void;
  remove(labels: Labels<L>): void;
  clear(): void;
  size(): number;
  /** In first-use order; label values in declared label order. */
  entries(): [string[], V][];
}

function createChildren<L extends string, V>(labelNames: readonly L[]): Children<L, V> {
  const map = new Map<string, { labelValues: string[]; value: V }>();
  const valuesOf = (labels: Labels<L> | undefined): string[] => labelNames.map((n) => String(labels?.[n] ?? ""));
  const keyOf = (labels: Labels<L> | undefined): string => JSON.stringify(valuesOf(labels));
  return {
    get: (labels) => map.get(keyOf(labels))?.value,
    update(labels, fn) {
      const key = keyOf(labels);
      const entry = map.get(key);
      if (entry) entry.value = fn(entry.value);
      else map.set(key, { labelValues: valuesOf(labels), value: fn(undefined) });
    },
    remove: (labels) => void map.delete(keyOf(labels)),
    clear: () => map.clear(),
    size: () => map.size,
    entries: () => [...map.values()].map((e) => [e.labelValues, e.value]),
  };
}
