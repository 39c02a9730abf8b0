import { expect, test } from "bun:test";
import { staticGraph } from "./static-imports.ts";

/**
 * Each command of `satellite` is reached only through import() (src/cli/root-command.ts), so the
 * build gives it a chunk that loads when a run names it: the long-running agent keeps none of the
 * client commands' code in its heap, and a client command does not evaluate the agent
 * (docs/performance.md). A static import of a command module from the entry undoes that silently.
 */
const commandModules = (files: readonly string[]) => files.filter((file) => file.startsWith("src/cli/commands/"));

test("the entry reaches no command module statically", () => {
  expect(commandModules(staticGraph(["src/main.ts"]))).toEqual([]);
});

test("`satellite agent` reaches no client command, and `satellite status` none of the agent nor its platform", () => {
  expect(commandModules(staticGraph(["src/main.ts", "src/cli/commands/agent.ts"]))).toEqual(["src/cli/commands/agent.ts"]);
  const status = staticGraph(["src/main.ts", "src/cli/commands/status.ts"]);
  expect(commandModules(status)).toEqual(["src/cli/commands/status.ts"]);
  expect(status).not.toContain("src/agent/agent.ts");
  // Sockets, SQLite and the gossip codec come with the agent's platform, built on demand.
  expect(status).not.toContain("src/cli/process-platform.ts");
});
