import { assertNever } from "../platform/assert-never.ts";
import { applyBinary, type Expr, type HostFunctionName } from "./_expr.ts";

/** A value of the expression language: strings, and numbers (booleans are 1 and 0). */
export type ExprValue = number | string;

/** The host functions an evaluation may call (_host-functions.ts over the real or a recorded host). */
export type HostFunctions = Readonly<Record<HostFunctionName, (args: readonly ExprValue[]) => Promise<ExprValue>>>;

/** Steps (nodes visited) one evaluation may take; the tree is bounded by the text length, this bounds the work. */
export const EVAL_STEPS_MAX = 10_000;
/** Host function calls one evaluation may make; each may read files. */
export const HOST_CALLS_MAX = 32;

export class ExprEvalError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "ExprEvalError";
  }
}

/** Truth of a value: a number other than 0, a string other than "". */
export function truthy(value: ExprValue): boolean {
  return typeof value === "number" ? value !== 0 && !Number.isNaN(value) : value !== "";
}

/**
 * Evaluates a detector or applyOn expression with host functions. `&&` and `||` stop early, so
 * `fileExists(p) and fileContains(p, "x")` reads nothing when the file is absent. Variables take
 * their value from `variable` (an evaluated check's collected values and thresholds); without it
 * they have none (detectors and applyOn refuse them when parsed). Throws ExprEvalError past a
 * bound, when a host function fails, or when `variable` throws.
 */
export async function evaluateWithHost(expr: Expr, host: HostFunctions, variable?: (e: Extract<Expr, { type: "var" }>) => ExprValue): Promise<ExprValue> {
  let steps = 0;
  let calls = 0;
  const run = async (e: Expr): Promise<ExprValue> => {
    if (++steps > EVAL_STEPS_MAX) throw new ExprEvalError(`evaluation took more than ${EVAL_STEPS_MAX} steps`);
    switch (e.type) {
      case "num":
      case "str":
        return e.value;
      case "var":
        if (variable) return variable(e);
        throw new ExprEvalError(`no value for ${e.name}: only host functions such as tag("role") give values here`);
      case "call": {
        if (++calls > HOST_CALLS_MAX) throw new ExprEvalError(`more than ${HOST_CALLS_MAX} host function calls in one evaluation`);
        const args: ExprValue[] = [];
        for (const arg of e.args) args.push(await run(arg));
        try {
          return await host[e.name](args);
        } catch (error) {
          if (error instanceof ExprEvalError) throw error;
          throw new ExprEvalError(`${e.name}(${args.map((a) => JSON.stringify(a)).join(", ")}) failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
        }
      }
      case "unary": {
        const a = await run(e.arg);
        return e.op === "!" ? (truthy(a) ? 0 : 1) : -(a as number);
      }
      case "binary": {
        if (e.op === "&&") return truthy(await run(e.left)) && truthy(await run(e.right)) ? 1 : 0;
        if (e.op === "||") return truthy(await run(e.left)) || truthy(await run(e.right)) ? 1 : 0;
        return applyBinary(e.op, await run(e.left), await run(e.right));
      }
      default:
        return assertNever(e, "expression");
    }
  };
  return run(expr);
}
