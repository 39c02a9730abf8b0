import { assertNever } from "../platform/assert-never.ts";

/**
 * A small, safe expression language for threshold rules (`warningIf: "memory.usedPercent > 90"`):
 * numbers, variable names with dots, + - * / %, comparisons, && || !, parentheses. Hand-written
 * tokenizer and recursive-descent parser; evaluation walks the tree. Nothing is ever eval'd.
 * Values are numbers; comparisons and logic give 1 (true) or 0 (false).
 */

export type Expr =
  | { type: "num"; value: number }
  | { type: "var"; name: string }
  | { type: "unary"; op: "!" | "-"; arg: Expr }
  | { type: "binary"; op: BinaryOp; left: Expr; right: Expr };

type BinaryOp = "+" | "-" | "*" | "/" | "%" | "<" | "<=" | ">" | ">=" | "==" | "!=" | "&&" | "||";

interface Token {
  kind: "num" | "id" | "op" | "(" | ")" | "end";
  text: string;
  at: number;
}

export class ExprError extends Error {
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(message);
    this.name = "ExprError";
  }
}

/** Longest expression text accepted; rules are one-liners. */
export const EXPR_LENGTH_MAX = 1000;
const DEPTH_MAX = 64;
const OPERATORS = ["<=", ">=", "==", "!=", "&&", "||", "+", "-", "*", "/", "%", "<", ">", "!"];

export function tokenize(text: string): Token[] {
  if (text.length > EXPR_LENGTH_MAX) throw new ExprError(`expression is longer than ${EXPR_LENGTH_MAX} characters`, EXPR_LENGTH_MAX);
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i] as string;
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    const num = /^(\d+(\.\d+)?|\.\d+)([eE][-+]?\d+)?/.exec(text.slice(i));
    if (num) {
      tokens.push({ kind: "num", text: num[0], at: i });
      i += num[0].length;
      continue;
    }
    const id = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*/.exec(text.slice(i));
    if (id) {
      tokens.push({ kind: "id", text: id[0], at: i });
      i += id[0].length;
      continue;
    }
    if (ch === "(" || ch === ")") {
      tokens.push({ kind: ch, text: ch, at: i });
      i++;
      continue;
    }
    const op = OPERATORS.find((o) => text.startsWith(o, i));
    if (op) {
      tokens.push({ kind: "op", text: op, at: i });
      i += op.length;
      continue;
    }
    throw new ExprError(`unexpected character ${JSON.stringify(ch)} at position ${i + 1}`, i);
  }
  tokens.push({ kind: "end", text: "end of expression", at: text.length });
  return tokens;
}

const LEVELS: BinaryOp[][] = [["||"], ["&&"], ["==", "!="], ["<", "<=", ">", ">="], ["+", "-"], ["*", "/", "%"]];

export function parseExpression(text: string): Expr {
  const tokens = tokenize(text);
  let pos = 0;
  let depth = 0;
  const peek = (): Token => tokens[pos] as Token;
  const describe = (t: Token): string => (t.kind === "end" ? "the end of the expression" : `${JSON.stringify(t.text)} at position ${t.at + 1}`);

  const binary = (level: number): Expr => {
    if (level === LEVELS.length) return unary();
    let left = binary(level + 1);
    for (;;) {
      const t = peek();
      if (t.kind !== "op" || !(LEVELS[level] as string[]).includes(t.text)) return left;
      pos++;
      const right = binary(level + 1);
      left = { type: "binary", op: t.text as BinaryOp, left, right };
      // Comparisons do not chain: "a < b < c" is almost always a mistake.
      if (level === 3 || level === 2) {
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
      if (++depth > DEPTH_MAX) throw new ExprError("expression is nested too deeply", t.at);
      const arg = unary();
      depth--;
      return { type: "unary", op: t.text, arg };
    }
    return primary();
  };

  const primary = (): Expr => {
    const t = peek();
    pos++;
    if (t.kind === "num") return { type: "num", value: Number(t.text) };
    if (t.kind === "id") {
      if (t.text === "true") return { type: "num", value: 1 };
      if (t.text === "false") return { type: "num", value: 0 };
      return { type: "var", name: t.text };
    }
    if (t.kind === "(") {
      if (++depth > DEPTH_MAX) throw new ExprError("expression is nested too deeply", t.at);
      const inner = binary(0);
      depth--;
      const close = peek();
      if (close.kind !== ")") throw new ExprError(`expected ")" but found ${describe(close)}`, close.at);
      pos++;
      return inner;
    }
    throw new ExprError(`expected a number, a name or "(" but found ${describe(t)}`, t.at);
  };

  const expr = binary(0);
  const rest = peek();
  if (rest.kind !== "end") throw new ExprError(`unexpected ${describe(rest)}`, rest.at);
  return expr;
}

export function variablesOf(expr: Expr, into: Set<string> = new Set()): Set<string> {
  if (expr.type === "var") into.add(expr.name);
  else if (expr.type === "unary") variablesOf(expr.arg, into);
  else if (expr.type === "binary") {
    variablesOf(expr.left, into);
    variablesOf(expr.right, into);
  }
  return into;
}

/** Evaluates with `vars`; a variable missing from `vars` is an error naming it. */
export function evaluate(expr: Expr, vars: Readonly<Record<string, number>>): number {
  switch (expr.type) {
    case "num":
      return expr.value;
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
      const a = evaluate(expr.left, vars);
      const b = evaluate(expr.right, vars);
      switch (expr.op) {
        case "+": return a + b;
        case "-": return a - b;
        case "*": return a * b;
        case "/": return a / b;
        case "%": return a % b;
        case "<": return a < b ? 1 : 0;
        case "<=": return a <= b ? 1 : 0;
        case ">": return a > b ? 1 : 0;
        case ">=": return a >= b ? 1 : 0;
        case "==": return a === b ? 1 : 0;
        case "!=": return a !== b ? 1 : 0;
        default: return assertNever(expr.op, "operator");
      }
    }
    default:
      return assertNever(expr, "expression");
  }
}
