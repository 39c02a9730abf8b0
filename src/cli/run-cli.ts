import { runCommand, type ArgsDef, type CommandDef } from "citty";
import { ConfigError } from "../config/config-error.ts";
import { SatelliteError } from "../platform/errors.ts";
import { AgentRefusedError, AgentUnreachableError } from "./agent-client.ts";
import { EXIT_UNREACHABLE, EXIT_USAGE, type CliDeps, type ExitCode } from "./cli-deps.ts";
import { CommandExit } from "./command-context.ts";
import { renderHelp } from "./help-text.ts";
import { loadRootSubcommand, rootSummary } from "./root-command.ts";
import { plainLines } from "./terminal-style.ts";

interface Resolved {
  path: CommandDef<any>[];
  names: string[];
  rest: string[];
}

function subCommandsOf(cmd: CommandDef<any>): Record<string, CommandDef<any>> {
  return (cmd.subCommands ?? {}) as Record<string, CommandDef<any>>;
}

/**
 * Walks leading words to the command they name: `checks run x` -> checks > run, rest [x]. Only the
 * root command the first word names is loaded; the root itself is its summary (rootSummary).
 */
async function resolve(rawArgs: readonly string[]): Promise<Resolved | { unknown: string; parent: string[] }> {
  const path: CommandDef<any>[] = [rootSummary];
  const names: string[] = [];
  let i = 0;
  for (; i < rawArgs.length; i++) {
    const word = rawArgs[i] as string;
    const subs = subCommandsOf(path[path.length - 1] as CommandDef<any>);
    if (word.startsWith("-") || Object.keys(subs).length === 0) break;
    // The root's commands load on demand; a group's subcommands came with it.
    const next = !Object.hasOwn(subs, word) ? undefined : path.length === 1 ? await loadRootSubcommand(word) : subs[word];
    if (!next) {
      if (names.length === 0 || path.length === 1) return { unknown: word, parent: names };
      break;
    }
    path.push(next);
    names.push(word);
  }
  return { path, names, rest: rawArgs.slice(i) };
}

/** Flags the command does not define, e.g. ["--colour"]; words after `--` are arguments, not flags (`exec -- ls -l`). */
function unknownFlags(args: ArgsDef, rest: readonly string[]): string[] {
  const known = new Set<string>(["help", "h"]);
  for (const [name, def] of Object.entries(args)) {
    known.add(name);
    const alias = (def as { alias?: string | string[] }).alias;
    for (const a of Array.isArray(alias) ? alias : alias ? [alias] : []) known.add(a);
  }
  const end = rest.indexOf("--");
  // Named as typed: `--for -5m` reports -5m, which the user can find on their command line.
  return (end >= 0 ? rest.slice(0, end) : rest)
    .filter((a) => a.startsWith("-") && a !== "-" && a !== "--")
    .map((a) => a.split("=")[0] as string)
    .filter((typed) => {
      const name = typed.replace(/^--?/, "");
      return !known.has(name) && !(name.startsWith("no-") && known.has(name.slice(3)));
    });
}

/** Runs the CLI with injected args and deps; returns the exit code (main exits with it). */
export async function runCli(rawArgs: readonly string[], cliDeps: CliDeps): Promise<ExitCode> {
  // Errors quote arguments and agents' answers: no escape sequence of theirs reaches the terminal.
  // Copied with its accessors: the process's isTerminal reads process.stdout only when asked.
  const deps = Object.defineProperties({} as CliDeps, { ...Object.getOwnPropertyDescriptors(cliDeps), err: { value: (text: string) => cliDeps.err(plainLines(text)), enumerable: true } });
  let args = [...rawArgs];
  if (args[0] === "--version") {
    const { versionLine } = await import("./commands/version.ts");
    deps.out(versionLine());
    return 0;
  }
  const wantsHelp = args[0] === "help" || args.includes("--help") || args.includes("-h");
  if (args[0] === "help") args = args.slice(1);
  const resolved = await resolve(args);
  if ("unknown" in resolved) {
    deps.err(`satellite: unknown command "${resolved.unknown}"; run \`satellite --help\` for the commands`);
    return EXIT_USAGE;
  }
  const leaf = resolved.path[resolved.path.length - 1] as CommandDef<any>;
  // A command that only groups others (`config`) runs nothing itself.
  const groupOnly = leaf === rootSummary || (leaf.subCommands !== undefined && leaf.run === undefined);
  // A command that runs itself and has subcommands (`checks`, `checks run`) but takes no word of
  // its own: a word there is a subcommand that does not exist.
  const wordIsSubcommand = groupOnly || (leaf.subCommands !== undefined && !takesPositional(leaf));
  if (wordIsSubcommand && !wantsHelp && resolved.rest[0] !== undefined && !resolved.rest[0].startsWith("-")) {
    const named = ["satellite", ...resolved.names].join(" ");
    deps.err(`${named}: unknown command "${resolved.rest[0]}"; run \`${named} --help\` for the commands`);
    return EXIT_USAGE;
  }
  if (wantsHelp || groupOnly) {
    deps.out(renderHelp(resolved.path, resolved.names));
    return wantsHelp ? 0 : EXIT_USAGE;
  }
  const unknown = unknownFlags((leaf.args ?? {}) as ArgsDef, resolved.rest);
  const label = `satellite ${resolved.names.join(" ")}`;
  if (unknown.length > 0) {
    deps.err(`${label}: unknown flag ${unknown.join(", ")}; run \`satellite help ${resolved.names.join(" ")}\` for the flags`);
    return EXIT_USAGE;
  }
  try {
    const { result } = await runCommand(leaf, { rawArgs: resolved.rest, data: deps });
    return typeof result === "number" ? result : 0;
  } catch (error) {
    return reportError(label, error, deps);
  }
}

function takesPositional(command: CommandDef<any>): boolean {
  return Object.values((command.args ?? {}) as ArgsDef).some((arg) => arg.type === "positional");
}

function reportError(label: string, error: unknown, deps: CliDeps): ExitCode {
  if (error instanceof CommandExit) {
    deps.err(`${label}: ${error.message}`);
    return error.exitCode;
  }
  if (error instanceof ConfigError) {
    deps.err(`${label}: ${error.message}\n${error.hint ?? ""}`);
    return EXIT_USAGE;
  }
  if (error instanceof AgentUnreachableError || error instanceof AgentRefusedError) {
    deps.err(`${label}: ${error.message}\n${error.hint ?? ""}`);
    return EXIT_UNREACHABLE;
  }
  if (error instanceof SatelliteError) {
    deps.err(`${label}: ${error.message}${error.hint ? `\n${error.hint}` : ""}`);
    return 1;
  }
  const message = error instanceof Error ? error.message : String(error);
  // citty's own usage errors (a subcommand or argument it refuses): no stack, exit 2.
  if ((error as { code?: string }).code === "EARG" || (error instanceof Error && error.name === "CLIError")) {
    deps.err(`${label}: ${message}`);
    return EXIT_USAGE;
  }
  deps.err(`${label}: unexpected error: ${error instanceof Error ? (error.stack ?? message) : message}`);
  return 1;
}

