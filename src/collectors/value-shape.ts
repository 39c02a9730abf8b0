import type { CollectedValue } from "./collected-values.ts";

/**
 * What a collector may report, declared up front so expressions are checked when the config is
 * loaded: a leaf is the type of the value; a group maps keys to shapes, where the key `*` stands
 * for any name the host decides (a CPU, a disk, an interface). Exact keys win over `*`.
 */
export type ValueType = "number" | "string";
export type ValueShape = ValueType | { readonly [key: string]: ValueShape };

/** The type of the value at `path` in `shape`, or a sentence saying why there is none. */
export function typeAtPath(shape: ValueShape, path: readonly string[], collector: string): { type: ValueType } | { error: string } {
  let node: ValueShape = shape;
  const walked: string[] = [];
  for (const key of path) {
    if (typeof node === "string") return { error: `${[collector, ...walked].join(".")} is a value; it has no ${JSON.stringify(key)}` };
    const next: ValueShape | undefined = Object.hasOwn(node, key) ? node[key] : Object.hasOwn(node, "*") ? node["*"] : undefined;
    if (next === undefined) {
      const known = Object.keys(node).map((k) => (k === "*" ? "<name>" : k));
      return { error: `collector ${collector} has no ${JSON.stringify(key)}${walked.length > 0 ? ` under ${walked.join(".")}` : ""}; known: ${known.join(", ")}` };
    }
    node = next;
    walked.push(key);
  }
  if (typeof node !== "string") {
    const known = Object.keys(node).map((k) => (k === "*" ? "<name>" : k));
    return { error: `${[collector, ...walked].join(".")} is a group, not a value; go on with one of: ${known.join(", ")}` };
  }
  return { type: node };
}

export function typeOfValue(value: CollectedValue): ValueType {
  return typeof value === "number" ? "number" : "string";
}
