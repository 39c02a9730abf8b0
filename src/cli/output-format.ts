import { stringify as toYaml } from "yaml";
import { EXIT_USAGE } from "./cli-deps.ts";
import { CommandExit } from "./command-context.ts";

/** What `-o` takes on every command that prints (kubectl's names). */
export const OUTPUT_FORMATS = ["table", "wide", "json", "yaml"] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export interface OutputArgs {
  output?: string;
  json?: boolean;
}

/** `-o/--output` and its old spelling `--json`, for every command that prints. */
export const OUTPUT_ARGS = {
  output: { type: "string", alias: "o", description: "Output format: table, wide (more columns), json or yaml", valueHint: "format" },
  json: { type: "boolean", description: "Same as -o json" },
} as const;

/**
 * The format the flags ask for, or `fallback` when they ask for none. `--json` is `-o json`;
 * both given and disagreeing, or an unknown format, is a usage error naming the value.
 */
export function outputFormatOf(args: OutputArgs, fallback: OutputFormat): OutputFormat {
  const given = args.output;
  if (given !== undefined && !(OUTPUT_FORMATS as readonly string[]).includes(given)) {
    throw new CommandExit(EXIT_USAGE, `-o "${given}" is not an output format; use one of ${OUTPUT_FORMATS.join(", ")}`);
  }
  if (args.json && given !== undefined && given !== "json") throw new CommandExit(EXIT_USAGE, `--json means -o json: give one of them, not --json with -o ${given}`);
  if (args.json) return "json";
  return (given as OutputFormat | undefined) ?? fallback;
}

/** JSON (one line, or indented with `pretty`) or YAML of what the agent answered. */
export function renderData(format: "json" | "yaml", value: unknown, pretty = false): string {
  if (format === "yaml") return toYaml(value).trimEnd();
  return JSON.stringify(value, null, pretty ? 2 : undefined);
}

/** True when the format is one of the data formats (the agent's answer as it is). */
export function isDataFormat(format: OutputFormat): format is "json" | "yaml" {
  return format === "json" || format === "yaml";
}
