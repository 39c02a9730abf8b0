import type { z } from "zod";
import type { CheckSpec } from "../probes/check-spec.ts";
import { COMMON_CHECK_KEYS } from "../probes/check-spec.ts";
import type { CheckerKind } from "../probes/checker.ts";
import { formatKeyPath, type ConfigProblem } from "./config-error.ts";
import { parseDurationMs } from "./duration.ts";

/** A check whose kind exists and whose options passed the kind's schema. */
export interface ValidatedCheck {
  spec: CheckSpec;
  kind: CheckerKind<any>;
  options: Record<string, unknown>;
}

/**
 * Validates each check's kind and options. `keyPrefix` is the key path of the list
 * ("checks"); `source` names where the list came from.
 */
export function validateChecks(
  specs: readonly CheckSpec[],
  findKind: (kind: string) => CheckerKind<any> | undefined,
  allKinds: readonly string[],
  source: string,
  keyPrefix: string,
): { checks: ValidatedCheck[]; problems: ConfigProblem[] } {
  const checks: ValidatedCheck[] = [];
  const problems: ConfigProblem[] = [];
  const seen = new Map<string, number>();
  specs.forEach((spec, index) => {
    const at = (...rest: PropertyKey[]): string => formatKeyPath([keyPrefix, index, ...rest]);
    const earlier = seen.get(spec.name);
    if (earlier !== undefined) {
      problems.push({ source, path: at("name"), message: `duplicate check name "${spec.name}" (also ${keyPrefix}[${earlier}]); names must be unique` });
    }
    seen.set(spec.name, index);
    const kind = findKind(spec.kind);
    if (!kind) {
      problems.push({ source, path: at("kind"), message: `unknown kind "${spec.kind}"; allowed: ${allKinds.join(", ")}` });
      return;
    }
    const optionInput = Object.fromEntries(Object.entries(spec).filter(([key]) => !(COMMON_CHECK_KEYS as readonly string[]).includes(key)));
    // Built for this validation and dropped after it: an agent keeps no schema of a kind (see CheckerKind.options).
    const schema = kind.options() as z.ZodType<Record<string, unknown>>;
    const durationProblems = applyDurationKeys(optionInput, optionKeysOf(schema));
    if (durationProblems.length > 0) {
      for (const { key, message } of durationProblems) problems.push({ source, path: at(key), message });
      return;
    }
    // jitless: each check's options are parsed once per load (see load.ts).
    const result = schema.safeParse(optionInput, { jitless: true });
    if (!result.success) {
      for (const issue of result.error.issues) {
        problems.push({ source, path: at(...issue.path), message: describeIssue(issue, spec.kind, valueAt(optionInput, issue.path) !== undefined) });
      }
      return;
    }
    checks.push({ spec, kind, options: result.data });
  });
  return { checks, problems };
}

/** The keys a kind's options schema declares (an object schema's shape); empty for any other schema. */
function optionKeysOf(schema: z.ZodType): ReadonlySet<string> {
  const shape = (schema as unknown as { shape?: Record<string, unknown> }).shape;
  return new Set(shape && typeof shape === "object" ? Object.keys(shape) : []);
}

/**
 * Durations are written the same way everywhere: an option `fooMs` (milliseconds) may also be
 * given as `foo: 2s`. Rewrites `foo` to `fooMs` in place; both given, or a text that is no
 * duration, is a problem naming the key.
 */
export function applyDurationKeys(options: Record<string, unknown>, declared: ReadonlySet<string>): { key: string; message: string }[] {
  const problems: { key: string; message: string }[] = [];
  for (const [key, value] of Object.entries(options)) {
    const msKey = `${key}Ms`;
    if (declared.has(key) || !declared.has(msKey)) continue;
    if (options[msKey] !== undefined) {
      problems.push({ key, message: `give ${key} or ${msKey}, not both` });
      continue;
    }
    const ms = typeof value === "string" ? parseDurationMs(value) : undefined;
    if (ms === undefined) {
      problems.push({ key, message: `expected a duration such as 500ms, 2s or 1m (or ${msKey} in milliseconds), got ${JSON.stringify(value)?.slice(0, 64)}` });
      continue;
    }
    options[msKey] = ms;
    delete options[key];
  }
  return problems;
}

/**
 * What is wrong with one option. `given`: the input has a value at the issue's path (zod leaves
 * `issue.input` out unless asked, so a wrong type and a missing key look alike to the issue).
 */
function describeIssue(issue: z.core.$ZodIssue, kind: string, given: boolean): string {
  if (issue.code === "unrecognized_keys") return `unknown option(s) ${issue.keys.map((k) => `"${k}"`).join(", ")} for kind ${kind}`;
  if (issue.code === "invalid_type" && !given) return `required by kind ${kind} (${issue.message})`;
  return issue.message;
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const key of path) {
    if (typeof value !== "object" || value === null) return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}
