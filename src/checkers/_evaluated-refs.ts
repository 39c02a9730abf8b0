import { assertNever } from "../platform/assert-never.ts";
import { COLLECTOR_NAMES, findCollectorKind } from "../collectors/collector-catalog.ts";
import { typeAtPath, type ValueType } from "../collectors/value-shape.ts";
import type { Expr } from "./_expr.ts";
import type { Template } from "./_template.ts";

/**
 * What the names of an evaluated check refer to (docs/checks.md, `evaluated`):
 * `collector.<collector>.<path>` (a collected value, docs/collectors.md), `thresholds.<name>`
 * (the check's named numbers) and `variables.<name>` (the check's named expressions).
 */

export type VarExpr = Extract<Expr, { type: "var" }>;

export interface DeclaredNames {
  thresholds: ReadonlySet<string>;
  /** Variables declared before the one being parsed, with their types. */
  variables: ReadonlyMap<string, ValueType>;
  /** Every variable of the check in declaration order, valid or not: says "declared after" rather than "unknown". */
  allVariables?: readonly string[];
  /** Variables whose own expression is invalid: a reader is told so rather than that they do not exist. */
  invalidVariables?: ReadonlySet<string>;
}

const ROOTS_HINT = "values are collector.<collector>.<value>, thresholds.<name> or variables.<name>";

/** The type of the value a path names, or why there is none; used by the parser at config load. */
export function resolveReference(path: readonly string[], declared: DeclaredNames): { type: ValueType } | { error: string } {
  const [root, name] = path;
  switch (root) {
    case "collector": {
      if (name === undefined) return { error: `collector needs a collector and a value, such as collector.memory.usedPercent` };
      const kind = findCollectorKind(name);
      if (!kind) return { error: `unknown collector ${JSON.stringify(name)}; known: ${COLLECTOR_NAMES.join(", ")}` };
      if (path.length === 2) return { error: `collector.${name} is a collector, not a value: name one of its values (docs/collectors.md)` };
      return typeAtPath(kind.shape, path.slice(2), name);
    }
    case "thresholds":
      if (name !== undefined && path.length === 2 && declared.thresholds.has(name)) return { type: "number" };
      return { error: `unknown threshold; declared: ${[...declared.thresholds].join(", ") || "none"} (add it to the check's thresholds)` };
    case "variables": {
      const type = name !== undefined && path.length === 2 ? declared.variables.get(name) : undefined;
      if (type) return { type };
      if (name !== undefined && path.length === 2 && declared.invalidVariables?.has(name)) return { error: `variables.${name} is invalid itself (see the error at its key)` };
      if (name !== undefined && path.length === 2 && declared.allVariables?.includes(name)) return { error: `variables.${name} is declared after this one: a variable reads only those declared above it` };
      return { error: `unknown variable; declared: ${[...declared.variables.keys()].join(", ") || "none"} (add it to the check's variables)` };
    }
    default:
      return { error: `unknown name: ${ROOTS_HINT}` };
  }
}

/** Every variable node of an expression, in reading order. */
export function varNodesOf(expr: Expr, into: VarExpr[] = []): VarExpr[] {
  switch (expr.type) {
    case "var":
      into.push(expr);
      break;
    case "unary":
      varNodesOf(expr.arg, into);
      break;
    case "binary":
      varNodesOf(expr.left, into);
      varNodesOf(expr.right, into);
      break;
    case "call":
      for (const arg of expr.args) varNodesOf(arg, into);
      break;
    case "num":
    case "str":
      break;
    default:
      assertNever(expr, "expression");
  }
  return into;
}

export function templateVarNodes(template: Template, into: VarExpr[] = []): VarExpr[] {
  for (const part of template.parts) if (typeof part !== "string") varNodesOf(part.expr, into);
  return into;
}

/** The collectors a set of variable nodes reads. */
export function collectorsRead(vars: readonly VarExpr[]): string[] {
  return [...new Set(vars.filter((v) => v.path[0] === "collector" && v.path[1] !== undefined).map((v) => v.path[1] as string))];
}

/** The metric key a value is reported under: the path without `collector.`, `%idle` as `pct_idle`. */
export function metricKeyOfPath(path: readonly string[]): string {
  const keys = path[0] === "collector" ? path.slice(1) : path;
  return keys.map((k) => k.replace(/^%/, "pct_")).join(".");
}
