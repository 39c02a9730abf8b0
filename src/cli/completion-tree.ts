import type { ArgDef, CommandDef } from "citty";
import { EVENT_KINDS, EVENT_TYPES } from "../events/agent-event.ts";
import { TIMELINE_EVENT_TYPES } from "../events/timeline-event.ts";
import { LOG_LEVELS } from "../platform/logger.ts";
import { argsOf, metaOf, subCommandsOf } from "./help-text.ts";
import { OUTPUT_FORMATS } from "./output-format.ts";

/** What a value is completed with: a fixed list, file names, directory names, or nothing. */
export type ValueCompletion = { values: readonly string[] } | { files: "file" | "dir" } | "none";

export interface CompletionFlag {
  /** Without dashes: "output". */
  long: string;
  /** One letter, without the dash: "o". */
  short?: string;
  /** undefined: a switch that takes no value. */
  value?: ValueCompletion;
  description: string;
}

export interface CompletionCommand {
  /** Words after `satellite`: [] for the root, ["checks", "run"]. */
  path: string[];
  flags: CompletionFlag[];
  subcommands: { name: string; description: string }[];
  /** What a positional argument completes to, when the command takes one. */
  positional?: ValueCompletion;
}

/** Values of flags whose names say what they hold, the same in every command. */
const KNOWN_VALUES: Record<string, readonly string[]> = {
  output: OUTPUT_FORMATS,
  "log-level": LOG_LEVELS,
  "log-format": ["logfmt", "json"],
  status: ["alive", "leaving", "left", "failed"],
  type: TIMELINE_EVENT_TYPES,
  types: [...EVENT_KINDS, ...EVENT_TYPES],
};

/** Every command of the tree under `root`, root first, with its flags, subcommands and positional values. */
export function completionTree(root: CommandDef<any>): CompletionCommand[] {
  const out: CompletionCommand[] = [];
  const walk = (command: CommandDef<any>, path: string[]): void => {
    const flags: CompletionFlag[] = [];
    let positional: ValueCompletion | undefined;
    for (const [name, def] of argsOf(command)) {
      if (def.type === "positional") {
        positional = valueCompletion(name, def);
        continue;
      }
      const alias = (def as { alias?: string | string[] }).alias;
      const short = (Array.isArray(alias) ? alias : alias ? [alias] : []).find((a) => a.length === 1);
      flags.push({ long: name, short, value: def.type === "boolean" ? undefined : valueCompletion(name, def), description: firstSentence(def.description ?? "") });
    }
    flags.push({ long: "help", short: "h", description: "Show this help" });
    if (path.length === 0) flags.push({ long: "version", description: "Print the version and exit" });
    const subs = subCommandsOf(command);
    out.push({ path, flags, subcommands: subs.map(([name, sub]) => ({ name, description: firstSentence(metaOf(sub).description ?? "") })), positional });
    for (const [name, sub] of subs) walk(sub, [...path, name]);
  };
  walk(root, []);
  return out;
}

function valueCompletion(name: string, def: ArgDef): ValueCompletion {
  const known = KNOWN_VALUES[name];
  if (known) return { values: known };
  const hint = ((def as { valueHint?: string }).valueHint ?? "").toLowerCase();
  if (/^[a-z0-9-]+(\|[a-z0-9-]+)+$/.test(hint)) return { values: hint.split("|") };
  if (hint === "file" || hint === "path") return { files: "file" };
  if (hint === "dir") return { files: "dir" };
  return "none";
}

/** Shells show one short line per candidate: the description up to its first sentence end, at most 80 characters. */
function firstSentence(text: string): string {
  let depth = 0;
  let end = text.length;
  for (let i = 0; i < text.length - 1; i++) {
    const c = text[i];
    if (c === "(") depth++;
    else if (c === ")") depth = Math.max(0, depth - 1);
    else if ((c === "." || c === ";") && depth === 0 && /\s/.test(text[i + 1] ?? "")) {
      end = i;
      break;
    }
  }
  const trimmed = text.slice(0, end).replace(/[.;]$/, "");
  return trimmed.length > 80 ? `${trimmed.slice(0, 77)}...` : trimmed;
}
