import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";

/**
 * Each kind of check is reached only through import() in its registry entry
 * (src/checkers/registry.ts), so the build gives it a chunk that loads when a config names the
 * kind: an agent evaluates and keeps only the kinds it runs (docs/performance.md). A static
 * import of a kind's module from the registry, or from anything the agent reaches, undoes that silently.
 */
const root = join(import.meta.dir, "../..");
const transpiler = new Bun.Transpiler({ loader: "ts" });
const registry = "src/checkers/registry.ts";

function importsOf(file: string): ReturnType<Bun.Transpiler["scanImports"]> {
  return transpiler.scanImports(readFileSync(join(root, file), "utf8"));
}

/** Files of src/ that `entries` reach through static imports (type-only imports are erased). */
function staticGraph(entries: readonly string[]): string[] {
  const seen = new Set<string>();
  const pending = entries.map((entry) => join(root, entry));
  for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
    if (seen.has(file)) continue;
    seen.add(file);
    for (const imported of transpiler.scanImports(readFileSync(file, "utf8"))) {
      if (imported.kind === "import-statement" && imported.path.startsWith(".")) pending.push(join(dirname(file), imported.path));
    }
  }
  return [...seen].map((file) => relative(root, file)).sort();
}

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
