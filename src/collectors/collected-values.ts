/**
 * What a collector hands back: a tree of named values (`cpu_all` -> `%idle` -> 3.5). Leaves are
 * numbers or strings, the two value types of the expression language; lists are written as
 * comma-separated strings ("22,80,443") so every leaf can be compared and printed.
 */
export type CollectedValue = number | string;
export interface ValueTree {
  [key: string]: CollectedValue | ValueTree;
}

/** Leaves one collector may report; a host with thousands of veth interfaces is cut here. */
export const VALUES_PER_COLLECTOR_MAX = 4096;

/** A key written bare in a dotted path: `cpu_all`, `%idle`, `eth0`. Any other key needs brackets: `["/var"]`, `["eth0.100"]`. */
const BARE_KEY = /^%?[A-Za-z_][A-Za-z0-9_]*$/;

/** A path as the expression language reads it: `cpu.cpu_all.%idle`, `diskusage["/"].usedPercent`. */
export function formatValuePath(path: readonly string[]): string {
  let out = "";
  for (const key of path) {
    if (BARE_KEY.test(key)) out += out === "" ? key : `.${key}`;
    else out += `[${JSON.stringify(key)}]`;
  }
  return out;
}

/** The value at `path`, or undefined when there is none (or the path ends at a group). Own keys only. */
export function valueAt(tree: ValueTree, path: readonly string[]): CollectedValue | undefined {
  let node: CollectedValue | ValueTree = tree;
  for (const key of path) {
    if (typeof node !== "object" || !Object.hasOwn(node, key)) return undefined;
    node = node[key] as CollectedValue | ValueTree;
  }
  return typeof node === "object" ? undefined : node;
}

/** Every leaf as `[path, value]`, in insertion order. */
export function flattenValues(tree: ValueTree, prefix: readonly string[] = []): [string[], CollectedValue][] {
  const out: [string[], CollectedValue][] = [];
  for (const [key, value] of Object.entries(tree)) {
    const path = [...prefix, key];
    if (typeof value === "object") out.push(...flattenValues(value, path));
    else out.push([path, value]);
  }
  return out;
}

/** Number of leaves. */
export function countValues(tree: ValueTree): number {
  let n = 0;
  for (const value of Object.values(tree)) n += typeof value === "object" ? countValues(value) : 1;
  return n;
}

/** Rounds a measured figure to two decimals, as every collector reports it. */
export function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

/** A copy of `tree` with at most `leavesMax` leaves (the first ones); `cut` says how many were left out. */
export function boundValues(tree: ValueTree, leavesMax: number = VALUES_PER_COLLECTOR_MAX): { values: ValueTree; cut: number } {
  let room = leavesMax;
  let cut = 0;
  const copy = (node: ValueTree): ValueTree => {
    const out: ValueTree = {};
    for (const [key, value] of Object.entries(node)) {
      if (typeof value === "object") {
        const inner = copy(value);
        if (Object.keys(inner).length > 0) out[key] = inner;
      } else if (room > 0) {
        room--;
        out[key] = value;
      } else cut++;
    }
    return out;
  };
  return { values: copy(tree), cut };
}
