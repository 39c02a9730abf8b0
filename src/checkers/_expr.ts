import { assertNever } from "../platform/assert-never.ts";
import { ExprError, type Token, tokenize } from "./_expr-tokens.ts";

export { EXPR_LENGTH_MAX, ExprError, STRING_LITERAL_LENGTH_MAX, tokenize } from "./_expr-tokens.ts";

/**
 * A small, safe expression language for threshold rules (`warningIf: "memory.usedPercent > 90"`),
 * detectors and `applyOn` (docs/detectors.md has the grammar): numbers, strings, variable names
 * with dots, + - * / %, comparisons, && || ! and their words and / or / not, parentheses, and
 * calls of a fixed set of host functions. Hand-written tokenizer and recursive-descent parser
 * with a static type check, so a wrong expression is a config error; nothing is ever eval'd.
 * Numbers and strings are the only values; comparisons and logic give 1 (true) or 0 (false).
 */

export type ValueType = "number" | "string";

export type Expr =
  | { type: "num"; value: number }
  | { type: "str"; value: string }
  | { type: "var"; name: string; path: readonly string[]; valueType?: ValueType }
  | { type: "call"; name: HostFunctionName; args: Expr[]; at: number }
  | { type: "unary"; op: "!" | "-"; arg: Expr }
  | { type: "binary"; op: BinaryOp; left: Expr; right: Expr };

export type BinaryOp = "+" | "-" | "*" | "/" | "%" | "<" | "<=" | ">" | ">=" | "==" | "!=" | "&&" | "||";

/** The host functions: argument types and result type. A boolean result is 1 or 0. */
export const HOST_FUNCTIONS = {
  fileExists: { args: ["string"], result: "number" },
  fileContains: { args: ["string", "string"], result: "number" },
  processRunning: { args: ["string"], result: "number" },
  portListening: { args: ["number"], result: "number" },
  env: { args: ["string"], result: "string" },
  osRelease: { args: ["string"], result: "string" },
  tag: { args: ["string"], result: "string" },
} as const satisfies Record<string, { args: readonly ValueType[]; result: ValueType }>;

export type HostFunctionName = keyof typeof HOST_FUNCTIONS;

const DEPTH_MAX = 64;

export interface ParseOptions {
  /** Whether host function calls are allowed (detectors and applyOn: yes; threshold rules: no). */
  hostFunctions?: boolean;
  /** Whether bare names are variables (threshold rules: yes; detectors and applyOn have none). */
  variables?: boolean;
  /**
   * Decides each variable when it is parsed: its type, or why there is no such value (an
   * evaluated check knows every collector's values and its thresholds). Without it a variable is
   * a number checked by the caller.
   */
  resolveVariable?: (path: readonly string[]) => { type: ValueType } | { error: string };
}

const LEVELS: BinaryOp[][] = [["||"], ["&&"], ["==", "!="], ["<", "<=", ">", ">="], ["+", "-"], ["*", "/", "%"]];
/** Index of the level below which the word `not` applies (it binds looser than comparisons). */
const NOT_LEVEL = 2;
const COMPARISON_LEVELS = new Set([2, 3]);

export function parseExpression(text: string, options: ParseOptions = {}): Expr {
  const tokens = tokenize(text);
  let pos = 0;
  let depth = 0;
  const peek = (): Token => tokens[pos] as Token;
  const describe = (t: Token): string => (t.kind === "end" ? "the end of the expression" : t.kind === "str" ? `string ${JSON.stringify(t.text)} at position ${t.at + 1}` : `${JSON.stringify(t.text)} at position ${t.at + 1}`);
  const nest = (at: number): void => {
    if (++depth > DEPTH_MAX) throw new ExprError("expression is nested too deeply", at);
  };

  const binary = (level: number): Expr => {
    if (level === NOT_LEVEL && peek().kind === "op" && peek().text === "not") {
      const t = peek();
      pos++;
      nest(t.at);
      const arg = binary(level);
      depth--;
      return { type: "unary", op: "!", arg };
    }
    if (level === LEVELS.length) return unary();
    let left = binary(level + 1);
    for (;;) {
      const t = peek();
      if (t.kind !== "op" || !(LEVELS[level] as string[]).includes(t.text)) return left;
      pos++;
      const right = binary(level + 1);
      left = { type: "binary", op: t.text as BinaryOp, left, right };
      checkTypes(left, t);
      // Comparisons do not chain: "a < b < c" is almost always a mistake.
      if (COMPARISON_LEVELS.has(level)) {
        const next = peek();
        if (next.kind === "op" && (LEVELS[level] as string[]).includes(next.text)) {
          throw new ExprError(`comparisons cannot be chained: ${describe(next)}; use && between them`, next.at);
        }
      }
    }
  };

  const unary = (): Expr => {
    const t = peek();
    if (t.kind === "op" && (t.text === "!" || t.text === "-")) {
      pos++;
      nest(t.at);
      const arg = unary();
      depth--;
      if (t.text === "-" && typeOf(arg) !== "number") throw new ExprError(`"-" at position ${t.at + 1} needs a number, not a string`, t.at);
      return { type: "unary", op: t.text, arg };
    }
    return primary();
  };

  const call = (t: Token): Expr => {
    if (!options.hostFunctions) throw new ExprError(`function calls are not allowed here: ${JSON.stringify(t.text)} at position ${t.at + 1}`, t.at);
    if (!Object.hasOwn(HOST_FUNCTIONS, t.text)) {
      throw new ExprError(`unknown function ${JSON.stringify(t.text)} at position ${t.at + 1}; known: ${Object.keys(HOST_FUNCTIONS).join(", ")}`, t.at);
    }
    const name = t.text as HostFunctionName;
    const signature = HOST_FUNCTIONS[name];
    pos++; // "("
    nest(t.at);
    const args: Expr[] = [];
    if (peek().kind !== ")") {
      for (;;) {
        args.push(binary(0));
        if (peek().kind !== ",") break;
        pos++;
      }
    }
    depth--;
    const close = peek();
    if (close.kind !== ")") throw new ExprError(`expected "," or ")" but found ${describe(close)}`, close.at);
    pos++;
    if (args.length !== signature.args.length) {
      throw new ExprError(`${name}() at position ${t.at + 1} takes ${signature.args.length} argument${signature.args.length === 1 ? "" : "s"}, not ${args.length}`, t.at);
    }
    signature.args.forEach((wanted, i) => {
      const got = typeOf(args[i] as Expr);
      if (got !== wanted) throw new ExprError(`${name}() at position ${t.at + 1} takes a ${wanted} as argument ${i + 1}, not a ${got}`, t.at);
    });
    return { type: "call", name, args, at: t.at };
  };

  const primary = (): Expr => {
    const t = peek();
    pos++;
    if (t.kind === "num") return { type: "num", value: Number(t.text) };
    if (t.kind === "str") return { type: "str", value: t.text };
    if (t.kind === "id") {
      if (peek().kind === "(") return call(t);
      if (t.text === "true") return { type: "num", value: 1 };
      if (t.text === "false") return { type: "num", value: 0 };
      if (options.variables === false) {
        throw new ExprError(`unknown name ${JSON.stringify(t.text)} at position ${t.at + 1}: write a string in quotes ("${t.text}") or call a host function such as tag("${t.text}")`, t.at);
      }
      if (!options.resolveVariable) return { type: "var", name: t.text, path: t.path ?? [t.text] };
      const resolved = options.resolveVariable(t.path ?? [t.text]);
      if ("error" in resolved) throw new ExprError(`${JSON.stringify(t.text)} at position ${t.at + 1}: ${resolved.error}`, t.at);
      return { type: "var", name: t.text, path: t.path ?? [t.text], valueType: resolved.type };
    }
    if (t.kind === "(") {
      nest(t.at);
      const inner = binary(0);
      depth--;
      const close = peek();
      if (close.kind !== ")") throw new ExprError(`expected ")" but found ${describe(close)}`, close.at);
      pos++;
      return inner;
    }
    throw new ExprError(`expected a number, a string, a name or "(" but found ${describe(t)}`, t.at);
  };

  const expr = binary(0);
  const rest = peek();
  if (rest.kind !== "end") throw new ExprError(`unexpected ${describe(rest)}`, rest.at);
  return expr;
}

/** The static type of an expression; variables are numbers unless their resolver said otherwise. */
export function typeOf(expr: Expr): ValueType {
  switch (expr.type) {
    case "var":
      return expr.valueType ?? "number";
    case "num":
    case "unary":
      return "number";
    case "str":
      return "string";
    case "call":
      return HOST_FUNCTIONS[expr.name].result;
    case "binary":
      return "number";
    default:
      return assertNever(expr, "expression");
  }
}

/** Arithmetic takes numbers; a comparison takes two values of one type; && and || take any. */
function checkTypes(expr: Extract<Expr, { type: "binary" }>, op: Token): void {
  if (expr.op === "&&" || expr.op === "||") return;
  const left = typeOf(expr.left);
  const right = typeOf(expr.right);
  const comparison = ["<", "<=", ">", ">=", "==", "!="].includes(expr.op);
  if (comparison && left !== right) throw new ExprError(`${JSON.stringify(op.text)} at position ${op.at + 1} compares a ${left} with a ${right}`, op.at);
  if (!comparison && (left !== "number" || right !== "number")) throw new ExprError(`${JSON.stringify(op.text)} at position ${op.at + 1} needs numbers, not a string`, op.at);
}

export function variablesOf(expr: Expr, into: Set<string> = new Set()): Set<string> {
  if (expr.type === "var") into.add(expr.name);
  else if (expr.type === "unary") variablesOf(expr.arg, into);
  else if (expr.type === "call") for (const arg of expr.args) variablesOf(arg, into);
  else if (expr.type === "binary") {
    variablesOf(expr.left, into);
    variablesOf(expr.right, into);
  }
  return into;
}

/** Evaluates a threshold rule with `vars`; a variable missing from `vars` is an error naming it. No host functions. */
export function evaluate(expr: Expr, vars: Readonly<Record<string, number>>): number {
  switch (expr.type) {
    case "num":
      return expr.value;
    case "str":
    case "call":
      throw new Error(`${expr.type === "str" ? "strings" : "function calls"} cannot be evaluated in a threshold rule`);
    case "var": {
      // Own properties only: "__proto__" or "constructor" must not reach Object.prototype.
      const v = Object.hasOwn(vars, expr.name) ? vars[expr.name] : undefined;
      if (typeof v !== "number") throw new Error(`no value for ${expr.name}`);
      return v;
    }
    case "unary": {
      const a = evaluate(expr.arg, vars);
      return expr.op === "!" ? (a === 0 ? 1 : 0) : -a;
    }
    case "binary": {
      if (expr.op === "&&") return evaluate(expr.left, vars) !== 0 && evaluate(expr.right, vars) !== 0 ? 1 : 0;
      if (expr.op === "||") return evaluate(expr.left, vars) !== 0 || evaluate(expr.right, vars) !== 0 ? 1 : 0;
      return applyBinary(expr.op, evaluate(expr.left, vars), evaluate(expr.right, vars));
    }
    default:
      return assertNever(expr, "expression");
  }
}

/** One arithmetic or comparison step; the parser already checked both sides have the same type. */
export function applyBinary(op: Exclude<BinaryOp, "&&" | "||">, a: number | string, b: number | string): number {
  switch (op) {
    case "+": return (a as number) + (b as number);
    case "-": return (a as number) - (b as number);
    case "*": return (a as number) * (b as number);
    case "/": return (a as number) / (b as number);
    case "%": return (a as number) % (b as number);
    case "<": return a < b ? 1 : 0;
    case "<=": return a <= b ? 1 : 0;
    case ">": return a > b ? 1 : 0;
    case ">=": return a >= b ? 1 : 0;
    case "==": return a === b ? 1 : 0;
    case "!=": return a !== b ? 1 : 0;
    default: return assertNever(op, "operator");
  }
}
