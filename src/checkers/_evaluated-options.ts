import { z } from "zod";
import type { ValueType } from "../collectors/value-shape.ts";
import { type Expr, ExprError, type ParseOptions, parseExpression, typeOf } from "./_expr.ts";
import { type DeclaredNames, resolveReference, templateVarNodes, type VarExpr, varNodesOf } from "./_evaluated-refs.ts";
import { parseTemplate, type Template, TEMPLATE_LENGTH_MAX } from "./_template.ts";

/** Named thresholds and variables per check, at most. */
export const THRESHOLDS_MAX = 64;
export const VARIABLES_MAX = 16;
const NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
const NAME_HINT = "names are letters, digits and _ (at most 64), starting with a letter or _";

const TEMPLATE_KEYS = ["okOutput", "warningOutput", "criticalOutput"] as const;
const CONDITION_KEYS = ["warningIf", "criticalIf"] as const;

export interface Condition {
  text: string;
  expr: Expr;
}

/** An evaluated check's options, parsed: expressions and templates as trees. */
export type CompiledEvaluated = {
  thresholds: Record<string, number>;
  /** In the order declared; each may read the ones before it. */
  variables: { name: string; text: string; expr: Expr; type: ValueType }[];
  warningIf?: Condition;
  criticalIf?: Condition;
  okOutput?: Template;
  warningOutput?: Template;
  criticalOutput?: Template;
  /** Every name read by the conditions, templates and variables. */
  reads: VarExpr[];
};

const expressionText = () => z.string().min(1, "expected an expression such as collector.memory.usedPercent > thresholds.memory_max").max(1000);

const rawOptions = () => z.strictObject({
  /** Named numbers the expressions read as thresholds.NAME; the agent's `thresholds` override them on a node. */
  thresholds: z
    .record(z.string(), z.number().finite())
    .refine((t) => Object.keys(t).length <= THRESHOLDS_MAX, `at most ${THRESHOLDS_MAX} thresholds`)
    .default({}),
  /** Named expressions read as variables.NAME (kunai's `variables`). */
  variables: z
    .record(z.string(), expressionText())
    .refine((v) => Object.keys(v).length <= VARIABLES_MAX, `at most ${VARIABLES_MAX} variables`)
    .default({}),
  warningIf: expressionText().optional(),
  criticalIf: expressionText().optional(),
  okOutput: z.string().max(TEMPLATE_LENGTH_MAX).optional(),
  warningOutput: z.string().max(TEMPLATE_LENGTH_MAX).optional(),
  criticalOutput: z.string().max(TEMPLATE_LENGTH_MAX).optional(),
});

const describe = (error: unknown): string => (error instanceof ExprError ? error.message : String(error));

export type EvaluatedOptions = z.output<ReturnType<typeof rawOptions>>;

/**
 * Parses every expression and template of `o`, resolving its names; each problem is reported
 * to `problem` with its key path. Variables may read the ones declared before them.
 */
export function compileEvaluated(o: EvaluatedOptions, problem: (path: (string | number)[], message: string) => void): CompiledEvaluated {
  const variableTypes = new Map<string, ValueType>();
  const invalidVariables = new Set<string>();
  const declared: DeclaredNames = { thresholds: new Set(Object.keys(o.thresholds)), variables: variableTypes, allVariables: Object.keys(o.variables), invalidVariables };
  const parseOptions: ParseOptions = { resolveVariable: (path) => resolveReference(path, declared) };
  const out: CompiledEvaluated = { thresholds: o.thresholds, variables: [], reads: [] };
  for (const [name, text] of Object.entries(o.variables)) {
    try {
      const expr = parseExpression(text, parseOptions);
      const type = typeOf(expr);
      out.variables.push({ name, text, expr, type });
      out.reads.push(...varNodesOf(expr));
      variableTypes.set(name, type);
    } catch (error) {
      invalidVariables.add(name);
      problem(["variables", name], `invalid expression: ${describe(error)}`);
    }
  }
  for (const key of CONDITION_KEYS) {
    const text = o[key];
    if (text === undefined) continue;
    try {
      const expr = parseExpression(text, parseOptions);
      out[key] = { text, expr };
      out.reads.push(...varNodesOf(expr));
    } catch (error) {
      problem([key], `invalid expression: ${describe(error)}`);
    }
  }
  for (const key of TEMPLATE_KEYS) {
    const text = o[key];
    if (text === undefined) continue;
    try {
      const template = parseTemplate(text, parseOptions);
      out[key] = template;
      out.reads.push(...templateVarNodes(template));
    } catch (error) {
      problem([key], `invalid template: ${describe(error)}`);
    }
  }
  return out;
}

/**
 * The options of the `evaluated` kind: every expression and template parsed, type-checked and
 * its names resolved when the config loads, each problem under its own key.
 */
export const evaluatedOptions = () => rawOptions().superRefine((o, ctx) => {
  for (const key of ["thresholds", "variables"] as const) {
    for (const name of Object.keys(o[key])) if (!NAME.test(name)) ctx.addIssue({ code: "custom", path: [key, name], message: `${JSON.stringify(name.slice(0, 80))}: ${NAME_HINT}` });
  }
  if (o.warningIf === undefined && o.criticalIf === undefined) ctx.addIssue({ code: "custom", path: ["criticalIf"], message: "give warningIf or criticalIf (or both): an evaluated check needs a condition" });
  if (o.warningOutput !== undefined && o.warningIf === undefined) ctx.addIssue({ code: "custom", path: ["warningOutput"], message: "warningOutput without warningIf is never shown" });
  if (o.criticalOutput !== undefined && o.criticalIf === undefined) ctx.addIssue({ code: "custom", path: ["criticalOutput"], message: "criticalOutput without criticalIf is never shown" });
  compileEvaluated(o, (path, message) => ctx.addIssue({ code: "custom", path, message }));
});
