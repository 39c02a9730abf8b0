/** One Nagios performance value: `'label'=value[UOM];warn;crit;min;max`. */
export interface PerfValue {
  label: string;
  value: number;
  uom: string;
  warn?: string;
  crit?: string;
  min?: number;
  max?: number;
}

export interface PluginOutput {
  /** Text of the first line before any `|`. */
  summary: string;
  /** Further lines of text (before any `|` on them), joined with newlines. */
  longText: string;
  perfdata: PerfValue[];
  /** Perfdata items that could not be read, verbatim. */
  invalid: string[];
}

/**
 * Splits plugin output per the Nagios plugin guidelines: `TEXT|PERF` on the first line, long text
 * on following lines, and a `|` anywhere in the long text starts more perfdata (to the end).
 */
export function parsePluginOutput(output: string): PluginOutput {
  const lines = output.replace(/\r\n/g, "\n").split("\n");
  const first = lines[0] ?? "";
  const bar = first.indexOf("|");
  const summary = (bar >= 0 ? first.slice(0, bar) : first).trim();
  const perfParts: string[] = bar >= 0 ? [first.slice(bar + 1)] : [];
  const rest = lines.slice(1).join("\n");
  const restBar = rest.indexOf("|");
  const longText = (restBar >= 0 ? rest.slice(0, restBar) : rest).trim();
  if (restBar >= 0) perfParts.push(rest.slice(restBar + 1));
  const perfdata: PerfValue[] = [];
  const invalid: string[] = [];
  for (const item of splitPerfItems(perfParts.join(" "))) {
    const parsed = parsePerfItem(item);
    if (parsed) perfdata.push(parsed);
    else invalid.push(item);
  }
  return { summary, longText, perfdata, invalid };
}

/** Items are separated by whitespace outside single-quoted labels. */
function splitPerfItems(text: string): string[] {
  const items: string[] = [];
  let current = "";
  let quoted = false;
  for (const ch of text) {
    if (ch === "'") quoted = !quoted; // '' inside a label toggles twice: stays quoted
    if (!quoted && /\s/.test(ch)) {
      if (current) items.push(current);
      current = "";
      continue;
    }
    current += ch;
  }
  if (current) items.push(current);
  return items;
}

const VALUE = /^(-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)([a-zA-Z%]*)$/;

function parsePerfItem(item: string): PerfValue | undefined {
  let label: string;
  let rest: string;
  if (item.startsWith("'")) {
    const m = /^'((?:[^']|'')*)'=(.*)$/.exec(item);
    if (!m) return undefined;
    label = (m[1] as string).replaceAll("''", "'");
    rest = m[2] as string;
  } else {
    const eq = item.indexOf("=");
    if (eq <= 0) return undefined;
    label = item.slice(0, eq);
    rest = item.slice(eq + 1);
  }
  const [valueText = "", warn, crit, min, max] = rest.split(";");
  const v = VALUE.exec(valueText);
  if (!v || label === "") return undefined;
  const value = Number(v[1]);
  if (!Number.isFinite(value)) return undefined;
  const num = (s: string | undefined): number | undefined => {
    if (s === undefined || s === "") return undefined;
    const n = Number(s);
    return Number.isFinite(n) ? n : undefined;
  };
  const perf: PerfValue = { label, value, uom: v[2] as string };
  if (warn) perf.warn = warn;
  if (crit) perf.crit = crit;
  const mn = num(min);
  const mx = num(max);
  if (mn !== undefined) perf.min = mn;
  if (mx !== undefined) perf.max = mx;
  return perf;
}
