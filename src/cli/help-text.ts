import type { ArgDef, CommandDef } from "citty";

/** Help fits a 100-column terminal: long descriptions wrap under their own column. */
export const HELP_WIDTH = 100;
/** Flags wider than this put their description on the next line instead of widening the column. */
const LABEL_WIDTH_MAX = 30;
const INDENT = "  ";

/** A command's flags and positional arguments, as citty declares them. */
export function argsOf(command: CommandDef<any>): [string, ArgDef][] {
  return Object.entries((command.args ?? {}) as Record<string, ArgDef>);
}

export function subCommandsOf(command: CommandDef<any>): [string, CommandDef<any>][] {
  return Object.entries((command.subCommands ?? {}) as Record<string, CommandDef<any>>);
}

export function metaOf(command: CommandDef<any>): { name?: string; description?: string } {
  return (command.meta ?? {}) as { name?: string; description?: string };
}

/** How a positional argument is shown: its value hint (`HOST[:PORT]...`) or its name in capitals. */
export function positionalLabel(name: string, def: ArgDef): string {
  const hint = (def as { valueHint?: string }).valueHint;
  const label = hint ?? name.toUpperCase();
  return def.type === "positional" && (def as { required?: boolean }).required === false ? `[${label}]` : label;
}

/** `-o, --output FORMAT` */
function flagLabel(name: string, def: ArgDef): string {
  const alias = (def as { alias?: string | string[] }).alias;
  const aliases = (Array.isArray(alias) ? alias : alias ? [alias] : []).map((a) => (a.length === 1 ? `-${a}` : `--${a}`));
  const hint = (def as { valueHint?: string }).valueHint;
  const shown = hint ?? name;
  // A list of choices (lan|wan|local) is shown as typed; a placeholder (file, host:port) in capitals.
  const value = def.type === "boolean" ? "" : ` ${shown.includes("|") ? shown : shown.toUpperCase()}`;
  const names = aliases.length > 0 ? `${aliases.join(", ")}, --${name}` : `    --${name}`;
  return `${names}${value}`;
}

/**
 * The help of `path` (root first): usage line with the positional arguments, description,
 * arguments, options and subcommands; every line at most HELP_WIDTH columns, no colour.
 */
export function renderHelp(path: readonly CommandDef<any>[], names: readonly string[]): string {
  const command = path[path.length - 1] as CommandDef<any>;
  const args = argsOf(command);
  const positionals = args.filter(([, def]) => def.type === "positional");
  const flags = args.filter(([, def]) => def.type !== "positional");
  const subs = subCommandsOf(command);
  const invocation = ["satellite", ...names].join(" ");
  const usage = [invocation];
  if (subs.length > 0) usage.push(command.run ? "[COMMAND]" : "COMMAND");
  usage.push("[OPTIONS]");
  for (const [name, def] of positionals) usage.push(positionalLabel(name, def));
  const out: string[] = [...wrap(`Usage: ${usage.join(" ")}`, HELP_WIDTH, "       "), ""];
  const description = metaOf(command).description;
  if (description) out.push(...wrap(description, HELP_WIDTH, ""), "");
  if (positionals.length > 0) {
    out.push("Arguments:", ...columns(positionals.map(([name, def]) => [positionalLabel(name, def), def.description ?? ""])), "");
  }
  const optionRows: [string, string][] = flags.flatMap(([name, def]): [string, string][] => {
    const row: [string, string] = [flagLabel(name, def), def.description ?? ""];
    // A flag that is on by default is turned off with --no-NAME: without this row nobody learns it.
    const negative = def.type === "boolean" && def.default === true ? (def as { negativeDescription?: string }).negativeDescription : undefined;
    return negative ? [row, [`    --no-${name}`, negative]] : [row];
  });
  optionRows.push(["-h, --help", "Show this help"]);
  if (path.length === 1) optionRows.push(["    --version", "Print the version and exit"]);
  out.push("Options:", ...columns(optionRows), "");
  if (subs.length > 0) {
    out.push("Commands:", ...columns(subs.map(([name, sub]) => [name, metaOf(sub).description ?? ""])), "");
    out.push(...wrap(`Run \`${invocation} COMMAND --help\` for a command's options.`, HELP_WIDTH, ""));
  }
  return out.join("\n").trimEnd();
}

/** Two columns; the second wraps under itself, and a label too wide for the first goes on a line of its own. */
function columns(rows: readonly [string, string][]): string[] {
  const labelWidth = Math.min(LABEL_WIDTH_MAX, Math.max(...rows.map(([label]) => label.length)));
  const descriptionIndent = " ".repeat(INDENT.length + labelWidth + 2);
  const lines: string[] = [];
  for (const [label, description] of rows) {
    const wrapped = wrap(description, HELP_WIDTH - descriptionIndent.length, "");
    if (label.length > labelWidth) {
      lines.push(`${INDENT}${label}`);
      lines.push(...wrapped.map((line) => `${descriptionIndent}${line}`));
      continue;
    }
    const [first = "", ...rest] = wrapped;
    lines.push(`${INDENT}${label.padEnd(labelWidth)}  ${first}`.trimEnd());
    lines.push(...rest.map((line) => `${descriptionIndent}${line}`));
  }
  return lines;
}

/** Greedy word wrap to `width` columns; later lines start with `indent`; a word longer than a line is cut. */
export function wrap(text: string, width: number, indent: string): string[] {
  const lines: string[] = [];
  let current = "";
  const room = () => width - (lines.length === 0 ? 0 : indent.length);
  const flush = () => {
    lines.push(`${lines.length === 0 ? "" : indent}${current}`);
    current = "";
  };
  for (let word of text.split(/\s+/).filter((w) => w !== "")) {
    if (current !== "" && current.length + 1 + word.length <= room()) {
      current += ` ${word}`;
      continue;
    }
    if (current !== "") flush();
    while (word.length > room()) {
      const cut = room();
      current = word.slice(0, cut);
      word = word.slice(cut);
      flush();
    }
    current = word;
  }
  if (current !== "" || lines.length === 0) flush();
  return lines;
}
