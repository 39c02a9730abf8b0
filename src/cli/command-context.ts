import type { CommandContext } from "citty";
import type { CliDeps } from "./cli-deps.ts";

/** The deps runCli passes to every command through citty's `data`. */
export function depsOf(context: CommandContext<any>): CliDeps {
  return context.data as CliDeps;
}

/** Thrown by a command to end with a message on stderr and an exit code. */
export class CommandExit extends Error {
  constructor(
    readonly exitCode: number,
    message: string,
  ) {
    super(message);
  }
}
