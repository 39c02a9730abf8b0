import { type Expr, parseExpression } from "./_expr.ts";

/** A parsed detector `applyIf` or an `applyOn`: the text as written and its tree. */
export interface Condition {
  text: string;
  expr: Expr;
}

/** `key=value` in an applyOn: a tag key (as tags are written) and any value without spaces. */
const TAG_EQUALS = /^([A-Za-z0-9_./-]+)=([^=\s]+)$/;

/**
 * Parses a condition of the expression language with host functions. Bare names have no value
 * outside threshold rules, so they are refused here, at config load.
 * Throws ExprError with a message fit for a config error.
 */
export function parseCondition(text: string): Condition {
  return { text, expr: parseExpression(text, { hostFunctions: true, variables: false }) };
}

/** An `applyOn`: `key=value` (the node has tag key with that value), or a condition. */
export function parseApplyOn(text: string): Condition {
  const m = TAG_EQUALS.exec(text.trim());
  if (m) {
    const expr: Expr = { type: "binary", op: "==", left: { type: "call", name: "tag", args: [{ type: "str", value: m[1] as string }], at: 0 }, right: { type: "str", value: m[2] as string } };
    return { text, expr };
  }
  return parseCondition(text);
}
