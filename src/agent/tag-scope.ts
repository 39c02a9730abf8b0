import { parseApplyOn } from "../checkers/_condition.ts";
import { evaluateWithHost, type HostFunctions, truthy } from "../checkers/_expr-eval.ts";
import { describeError } from "../platform/errors.ts";

/** Whether something scoped by `applyOn` runs on this node, and why not when it does not. */
export type ScopeVerdict = { applies: true } | { applies: false; reason: string };

/**
 * Decides an `applyOn` (docs/detectors.md) with host functions whose `tag()` reads the node's
 * static and detected tags. Absent: applies. An expression that cannot be evaluated does not
 * apply, with the error as the reason (the config check already refused syntax and type errors).
 */
export async function decideApplyOn(applyOn: string | undefined, host: HostFunctions): Promise<ScopeVerdict> {
  if (applyOn === undefined) return { applies: true };
  try {
    if (truthy(await evaluateWithHost(parseApplyOn(applyOn).expr, host))) return { applies: true };
    return { applies: false, reason: `applyOn ${applyOn} does not hold on this node` };
  } catch (error) {
    return { applies: false, reason: `applyOn ${applyOn} could not be evaluated: ${describeError(error)}` };
  }
}

/** The items (notifiers) whose `applyOn` holds on this node, in order; each left out is reported with the reason. */
export async function keepInScope<T extends { name: string; applyOn?: string }>(items: readonly T[], host: HostFunctions, onSkipped: (item: T, reason: string) => void): Promise<T[]> {
  const kept: T[] = [];
  for (const item of items) {
    const verdict = await decideApplyOn(item.applyOn, host);
    if (verdict.applies) kept.push(item);
    else onSkipped(item, verdict.reason);
  }
  return kept;
}
