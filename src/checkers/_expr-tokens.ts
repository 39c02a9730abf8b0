/**
 * The tokens of the expression language (_expr.ts; grammar in docs/detectors.md): numbers,
 * strings, names (with `.key`, `.%key` and `["key"]` parts), operators and their words,
 * parentheses and commas. Bounded: the text length
 * and each string literal.
 */

export interface Token {
  kind: "num" | "str" | "id" | "op" | "(" | ")" | "," | "end";
  text: string;
  at: number;
  /** For a name: its keys, `collector.diskusage["/"].usedPercent` -> collector, diskusage, /, usedPercent. */
  path?: string[];
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
/** Longest string literal, in characters. */
export const STRING_LITERAL_LENGTH_MAX = 256;
const OPERATORS = ["<=", ">=", "==", "!=", "&&", "||", "+", "-", "*", "/", "%", "<", ">", "!"];
/** Word operators: `and`, `or`, `not` beside `&&`, `||`, `!`. */
const WORDS: Readonly<Record<string, string>> = { and: "&&", or: "||", not: "not" };


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
    const id = readName(text, i);
    if (id) {
      const word = id.path.length === 1 && Object.hasOwn(WORDS, id.text) ? WORDS[id.text] : undefined;
      tokens.push(word ? { kind: "op", text: word, at: i } : { kind: "id", text: id.text, at: i, path: id.path });
      i = id.end;
      continue;
    }
    if (ch === '"' || ch === "'") {
      const { value, end } = readString(text, i);
      tokens.push({ kind: "str", text: value, at: i });
      i = end;
      continue;
    }
    if (ch === "(" || ch === ")" || ch === ",") {
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

const FIRST_KEY = /[A-Za-z_][A-Za-z0-9_]*/y;
/** A key after a dot may start with `%`, as collected names do (`cpu_all.%idle`): `.%` cannot mean anything else. */
const DOTTED_KEY = /\.(%?[A-Za-z_][A-Za-z0-9_]*)/y;
const BRACKET_OPEN = /\[\s*(?=["'])/y;
const BRACKET_CLOSE = /\s*\]/y;

/**
 * A name at `start`: a first key, then `.key` or `["any key"]` parts (docs/collectors.md, Paths).
 * Undefined when no name starts there.
 */
function readName(text: string, start: number): { text: string; path: string[]; end: number } | undefined {
  FIRST_KEY.lastIndex = start;
  const first = FIRST_KEY.exec(text);
  if (!first) return undefined;
  const path = [first[0]];
  let end = start + first[0].length;
  for (;;) {
    DOTTED_KEY.lastIndex = end;
    const dotted = DOTTED_KEY.exec(text);
    if (dotted) {
      path.push(dotted[1] as string);
      end += dotted[0].length;
      continue;
    }
    BRACKET_OPEN.lastIndex = end;
    const open = BRACKET_OPEN.exec(text);
    if (!open) break;
    const key = readString(text, end + open[0].length);
    BRACKET_CLOSE.lastIndex = key.end;
    const close = BRACKET_CLOSE.exec(text);
    if (!close) throw new ExprError(`expected "]" after the key at position ${end + open[0].length + 1}`, key.end);
    path.push(key.value);
    end = key.end + close[0].length;
  }
  return { text: text.slice(start, end), path, end };
}

/** A string literal in the quote found at `start`; backslash escapes only the quote and itself. */
function readString(text: string, start: number): { value: string; end: number } {
  const quote = text[start];
  let value = "";
  for (let i = start + 1; i < text.length; i++) {
    const ch = text[i] as string;
    if (ch === quote) return { value, end: i + 1 };
    if (ch === "\\") {
      const next = text[i + 1];
      if (next !== quote && next !== "\\") throw new ExprError(`unknown escape "\\${next ?? ""}" at position ${i + 1}; only \\${quote} and \\\\ are escapes`, i);
      value += next;
      i++;
    } else value += ch;
    if (value.length > STRING_LITERAL_LENGTH_MAX) throw new ExprError(`string at position ${start + 1} is longer than ${STRING_LITERAL_LENGTH_MAX} characters`, start);
  }
  throw new ExprError(`string at position ${start + 1} has no closing ${quote}`, start);
}

