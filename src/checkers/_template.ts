import { type Expr, ExprError, type ParseOptions, parseExpression, variablesOf } from "./_expr.ts";
import type { ExprValue } from "./_expr-eval.ts";

/**
 * Output templates of evaluated checks (`okOutput: "CPU idle is {{collector.cpu.cpu_all.%idle}}%"`):
 * text with `{{ expression }}` placeholders of the expression language, parsed and type-checked
 * with the check's conditions when the config loads. The language has no loops, so a rendering
 * costs at most PLACEHOLDERS_MAX bounded evaluations, and its text is cut at OUTPUT_BYTES_MAX.
 */

export const TEMPLATE_LENGTH_MAX = 2000;
export const PLACEHOLDERS_MAX = 32;
/** Longest rendered output, in UTF-8 bytes; longer is cut and marked with "…". */
export const OUTPUT_BYTES_MAX = 1024;

export type TemplatePart = string | { expr: Expr; text: string };

export interface Template {
  text: string;
  parts: TemplatePart[];
}

/** Parses `text`; throws ExprError naming the placeholder's position in the template. */
export function parseTemplate(text: string, options: ParseOptions): Template {
  if (text.length > TEMPLATE_LENGTH_MAX) throw new ExprError(`template is longer than ${TEMPLATE_LENGTH_MAX} characters`, TEMPLATE_LENGTH_MAX);
  const parts: TemplatePart[] = [];
  let i = 0;
  while (i < text.length) {
    const open = text.indexOf("{{", i);
    if (open < 0) {
      parts.push(text.slice(i));
      break;
    }
    if (open > i) parts.push(text.slice(i, open));
    const close = text.indexOf("}}", open + 2);
    if (close < 0) throw new ExprError(`"{{" at position ${open + 1} has no closing "}}"`, open);
    const inner = text.slice(open + 2, close);
    if (inner.trim() === "") throw new ExprError(`"{{}}" at position ${open + 1} is empty: put a value between the braces, such as {{collector.memory.usedPercent}}`, open);
    try {
      parts.push({ expr: parseExpression(inner, options), text: inner.trim() });
    } catch (error) {
      if (error instanceof ExprError) throw new ExprError(`in "{{" at position ${open + 1}: ${error.message}`, open + 2 + error.position);
      throw error;
    }
    if (parts.filter((p) => typeof p !== "string").length > PLACEHOLDERS_MAX) throw new ExprError(`more than ${PLACEHOLDERS_MAX} placeholders`, open);
    i = close + 2;
  }
  return { text, parts };
}

/** Every variable a template reads. */
export function templateVariables(template: Template, into: Set<string> = new Set()): Set<string> {
  for (const part of template.parts) if (typeof part !== "string") variablesOf(part.expr, into);
  return into;
}

/** A value as output shows it: numbers with at most two decimals, strings as they are. */
export function formatValue(value: ExprValue): string {
  if (typeof value === "string") return value;
  if (!Number.isFinite(value)) return String(value);
  return String(Math.round(value * 100) / 100);
}

/** Renders with `evaluate` for each placeholder; the result is at most OUTPUT_BYTES_MAX bytes. */
export async function renderTemplate(template: Template, evaluate: (expr: Expr) => Promise<ExprValue>): Promise<string> {
  let out = "";
  for (const part of template.parts) {
    out += typeof part === "string" ? part : formatValue(await evaluate(part.expr));
    if (out.length > OUTPUT_BYTES_MAX) break;
  }
  return cutBytes(out, OUTPUT_BYTES_MAX);
}

function cutBytes(text: string, bytesMax: number): string {
  const bytes = new TextEncoder().encode(text);
  if (bytes.length <= bytesMax) return text;
  const marker = "…";
  const head = new TextDecoder("utf-8", { fatal: false }).decode(bytes.subarray(0, bytesMax - new TextEncoder().encode(marker).length));
  return head.replace(/\uFFFD$/, "") + marker;
}
