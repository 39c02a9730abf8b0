import { defineCommand, type CommandDef } from "citty";
import { EXIT_USAGE } from "../cli-deps.ts";
import { CommandExit, depsOf } from "../command-context.ts";
import { bashCompletion, COMPLETION_SHELLS, fishCompletion, zshCompletion, type CompletionShell } from "../completion-scripts.ts";
import { completionTree } from "../completion-tree.ts";
import { assertNever } from "../../platform/assert-never.ts";

/** `satellite completion bash|zsh|fish`; `root` loads the whole tree (the root command contains this one). */
export function completionCommand(root: () => Promise<CommandDef<any>>) {
  return defineCommand({
    meta: {
      name: "completion",
      description: "Print the shell completion script: `source <(satellite completion bash)`, `source <(satellite completion zsh)`, `satellite completion fish | source`",
    },
    args: { shell: { type: "positional", required: true, valueHint: COMPLETION_SHELLS.join("|"), description: "The shell: bash, zsh or fish" } },
    async run(context) {
      const shell = context.args.shell;
      if (!(COMPLETION_SHELLS as readonly string[]).includes(shell)) throw new CommandExit(EXIT_USAGE, `no completion for shell "${shell}"; use one of ${COMPLETION_SHELLS.join(", ")}`);
      depsOf(context).out(completionScript(shell as CompletionShell, await root()).trimEnd());
      return 0;
    },
  });
}

export function completionScript(shell: CompletionShell, root: CommandDef<any>): string {
  const tree = completionTree(root);
  switch (shell) {
    case "bash":
      return bashCompletion(tree);
    case "zsh":
      return zshCompletion(tree);
    case "fish":
      return fishCompletion(tree);
    default:
      return assertNever(shell, "shell");
  }
}
