import { expect, test } from "bun:test";
import { dirname, join, relative } from "node:path";
import { importsOf, repoRoot as root, staticGraph } from "./static-imports.ts";

/**
 * Each kind of check is reached only through import() in its registry entry
 * (src/checkers/registry.ts), so the build gives it a chunk that loads when a config names the
 * kind: an agent evaluates and keeps only the kinds it runs (docs/performance.md). A static
 * import of a kind's module from the registry, or from anything the agent reaches, undoes that silently.
 */
const registry = "src/checkers/registry.ts";

/** The modules the registry's entries load: one per kind. */
const kindModules = importsOf(registry)
  .filter((imported) => imported.kind === "dynamic-import")
  .map((imported) => relative(root, join(root, dirname(registry), imported.path)));

test("the registry loads every kind through import()", () => {
  expect(kindModules.length).toBeGreaterThan(30);
  const staticImports = importsOf(registry).filter((imported) => imported.kind === "import-statement").map((imported) => imported.path);
  expect(staticImports.filter((path) => kindModules.includes(relative(root, join(root, dirname(registry), path))))).toEqual([]);
});

test("`satellite agent` and `satellite config` reach no kind's module statically", () => {
  const graph = staticGraph(["src/main.ts", "src/cli/commands/agent.ts", "src/cli/commands/config.ts", "src/checkers/kind-catalog.ts"]);
  expect(graph).toContain(registry);
  expect(graph.filter((file) => kindModules.includes(file))).toEqual([]);
});
