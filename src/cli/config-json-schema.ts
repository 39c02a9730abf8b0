import { z } from "zod";
import { AGENT_FLAGS } from "../config/agent-flags.ts";
import { agentConfigSchema } from "../config/schema.ts";
import type { CheckerKind } from "../probes/checker.ts";
import { COMMON_CHECK_KEYS } from "../probes/check-spec.ts";

type JsonSchema = Record<string, unknown> & { properties?: Record<string, JsonSchema>; items?: JsonSchema };

/** What parseDurationMs takes: `500ms`, `30s`, `1h30m`, `7d`, or bare milliseconds. */
export const DURATION_PATTERN = "^(\\d+(\\.\\d+)?(ms|s|m|h|d|w))+$|^\\d+(\\.\\d+)?$";
/** Top-level keys written as durations (their zod schema checks them with a refinement JSON Schema cannot show). */
const DURATION_KEYS = ["retention", "sampleRetention", "eventHandlerTimeout"];

/**
 * The JSON Schema (draft 2020-12) of the config file, generated from the zod schema that
 * validates it, so editors can check a file as it is typed. Descriptions come from the flags
 * table; each check kind's options are attached to its `kind` (if/then), as the registry
 * declares them, with `foo: 2s` allowed beside every `fooMs`.
 */
export function configJsonSchema(kinds: readonly CheckerKind<any>[]): JsonSchema {
  const schema = z.toJSONSchema(agentConfigSchema(), { io: "input", unrepresentable: "any" }) as JsonSchema;
  const properties = schema.properties ?? {};
  for (const flag of AGENT_FLAGS) {
    const property = properties[flag.key];
    if (property) property.description = flag.description;
  }
  for (const key of DURATION_KEYS) {
    const property = properties[key];
    if (property) property.pattern = DURATION_PATTERN;
  }
  const checks = properties.checks;
  if (checks?.items) checks.items = checkItemSchema(checks.items, kinds);
  return {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    $id: "https://github.com/satellite-health/satellite/docs/config.schema.json",
    title: "Satellite agent configuration file (satellite agent --config FILE)",
    ...Object.fromEntries(Object.entries(schema).filter(([key]) => key !== "$schema")),
  };
}

function checkItemSchema(base: JsonSchema, kinds: readonly CheckerKind<any>[]): JsonSchema {
  const common = { ...(base.properties ?? {}) };
  for (const key of ["interval", "timeout"]) {
    const property = common[key];
    if (property) property.pattern = DURATION_PATTERN;
  }
  const kindProperty = common.kind;
  if (kindProperty) kindProperty.enum = kinds.map((k) => k.kind);
  const perKind = kinds.map((kind) => {
    const options = z.toJSONSchema(kind.options() as z.ZodType, { io: "input", unrepresentable: "any" }) as JsonSchema;
    const optionProperties: Record<string, JsonSchema> = { ...(options.properties ?? {}) };
    for (const key of Object.keys(optionProperties)) {
      const alias = key.endsWith("Ms") ? key.slice(0, -2) : undefined;
      if (alias && !(alias in optionProperties)) optionProperties[alias] = { type: "string", pattern: DURATION_PATTERN, description: `${key} as a duration, e.g. 2s` };
    }
    const allowed = Object.fromEntries([...Object.keys(common), ...COMMON_CHECK_KEYS].map((key) => [key, true]));
    return {
      if: { properties: { kind: { const: kind.kind } }, required: ["kind"] },
      then: { properties: { ...allowed, ...optionProperties }, required: options.required ?? [], additionalProperties: false },
    };
  });
  return { ...base, properties: common, additionalProperties: true, allOf: perKind };
}
