import { z } from "zod";
import { parseApplyOn, parseCondition } from "../checkers/_condition.ts";
import { EXPR_LENGTH_MAX, ExprError } from "../checkers/_expr.ts";

/**
 * Conditions in the config file (docs/detectors.md): kept as the text written, checked here at
 * load so a syntax or type error stops the agent naming the position; parsed again where used.
 */
const conditionText = (parse: (text: string) => unknown, example: string) =>
  z
    .string()
    .min(1, `expected a condition such as ${example}`)
    .max(EXPR_LENGTH_MAX)
    .superRefine((text, ctx) => {
      try {
        parse(text);
      } catch (error) {
        ctx.addIssue({ code: "custom", message: error instanceof ExprError ? `invalid condition: ${error.message}` : `invalid condition: ${String(error)}` });
      }
    });

/** A detector's `applyIf`. */
export function applyIfSchema() {
  return conditionText(parseCondition, `'processRunning("redis-server")'`);
}

/** `applyOn` of a check or notifier: `key=value` or a condition over tags. */
export function applyOnSchema() {
  return conditionText(parseApplyOn, `role=master or 'tag("zone") != "eu-2"'`);
}
